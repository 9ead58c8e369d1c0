// @ts-nocheck
import { SseHubError } from '../errors.js';
import { assertJsonTextDepth } from '../protocol/json-depth.js';
import type { WhereFilter } from './collection-record.js';
import { RECORD_ID } from './names.js';

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;
/** Field names usable in `where.<field>=` filters. */
export const WHERE_FIELD = /^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$/;
const WHERE_PREFIX = 'where.';

export interface ParsedListQuery {
  limit: number;
  afterId: string | undefined;
  where: WhereFilter;
}

export function assertWhereField(field: string): string {
  if (!WHERE_FIELD.test(field)) {
    throw new SseHubError(
      'INVALID_QUERY',
      `where.${field.slice(0, 80)}: filter fields match ${WHERE_FIELD.source} (top-level fields only)`,
    );
  }
  return field;
}

/**
 * `where.<field>=<value>` parameters: the value is parsed as JSON when it parses
 * (`3`, `true`, `null`, `"3"`), else taken as a string (`general`).
 */
export function parseWhere(params: URLSearchParams): WhereFilter {
  // A null-prototype map: on a plain object `where.__proto__=1` would set the
  // prototype instead of adding a filter, and the query would silently match everything.
  const where: Record<string, unknown> = Object.create(null);
  for (const [name, raw] of params) {
    if (!name.startsWith(WHERE_PREFIX)) continue;
    const field = assertWhereField(name.slice(WHERE_PREFIX.length));
    if (Object.hasOwn(where, field)) {
      throw new SseHubError('INVALID_QUERY', `where.${field} is given twice; each field takes one value`);
    }
    where[field] = parseValue(raw);
  }
  return where;
}

function parseValue(raw: string): unknown {
  assertJsonTextDepth(raw);
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** `limit` (1..1000, default 100), `cursor` (from a previous page) and `where.` filters. */
export function parseListQuery(params: URLSearchParams): ParsedListQuery {
  const rawLimit = params.get('limit');
  let limit = DEFAULT_LIST_LIMIT;
  if (rawLimit !== null) {
    limit = /^\d{1,7}$/.test(rawLimit) ? Number(rawLimit) : Number.NaN;
    if (!(limit >= 1 && limit <= MAX_LIST_LIMIT)) {
      throw new SseHubError(
        'INVALID_QUERY',
        `limit must be an integer from 1 to ${MAX_LIST_LIMIT}; got ${JSON.stringify(rawLimit.slice(0, 40))}`,
      );
    }
  }
  const cursor = params.get('cursor');
  return {
    limit,
    afterId: cursor === null || cursor === '' ? undefined : decodeCursor(cursor),
    where: parseWhere(params),
  };
}

const CURSOR_PREFIX = 'c1.';

/** Cursors are opaque to clients: a version tag and the last id, base64url-encoded. */
export function encodeCursor(lastId: string): string {
  return CURSOR_PREFIX + Buffer.from(lastId, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const id = cursor.startsWith(CURSOR_PREFIX)
    ? Buffer.from(cursor.slice(CURSOR_PREFIX.length), 'base64url').toString('utf8')
    : '';
  if (!RECORD_ID.test(id)) {
    throw new SseHubError('INVALID_QUERY', 'cursor is not one this server gave out; pass nextCursor unchanged');
  }
  return id;
}
