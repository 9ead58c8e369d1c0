// @ts-nocheck
import type { IncomingMessage, ServerResponse } from 'node:http';
import { assertAdmin } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import { SseHubError } from '../errors.js';
import { type HttpRoute, lastEventIdOf, type RequestContext } from '../http/handler.js';
import { methodNotAllowed, readJsonBody, sendJson } from '../http/respond.js';
import type { Hub } from '../hub/hub.js';
import type { CollectionRecord } from './collection-record.js';
import type { Collections } from './collections.js';
import { parseListQuery, parseWhere } from './list-query.js';
import { openLiveStream } from './live-stream.js';
import { assertCollectionName, assertRecordId } from './names.js';

const PREFIX = '/collections';
/** Schemas are small; this bounds the body of PUT /collections/:name/schema. */
const MAX_SCHEMA_BYTES = 64 * 1024;

/**
 * The collections HTTP API (docs/collections.md):
 * `/collections`, `/collections/:name/records[/:id]`, `/collections/:name/live`
 * and `/collections/:name/schema`.
 */
export function collectionRoutes(hub: Hub, collections: Collections): HttpRoute {
  return async (req, res, context) => {
    const { url, principal } = context;
    if (url.pathname !== PREFIX && !url.pathname.startsWith(`${PREFIX}/`)) return false;
    const segments = url.pathname
      .slice(PREFIX.length + 1)
      .split('/')
      .map(decodeSegment);
    const [rawName, resource, id, ...rest] = segments;
    const rawId = id === '' && rest.length === 0 ? undefined : id; // `/records/` lists
    if (url.pathname === PREFIX || (rawName === '' && segments.length === 1)) {
      allow(req, 'GET');
      sendJson(res, 200, { collections: await collections.names(await principal()) });
      return true;
    }
    if (rest.length > 0 || resource === undefined) return false;
    const name = assertCollectionName(rawName as string);
    if (resource === 'records' && rawId === undefined) {
      await recordsRoute(req, res, collections, name, context);
      return true;
    }
    if (resource === 'records' && rawId !== undefined) {
      await recordRoute(req, res, collections, name, assertRecordId(rawId), context);
      return true;
    }
    if (rawId !== undefined) return false;
    if (resource === 'live') {
      allow(req, 'GET');
      const lastEventId = lastEventIdOf(req, url);
      await openLiveStream(
        hub,
        collections,
        req,
        res,
        { collection: name, where: parseWhere(url.searchParams), lastEventId, clientAddress: context.clientAddress },
        await principal(),
      );
      return true;
    }
    if (resource === 'schema') {
      await schemaRoute(req, res, collections, name, await principal());
      return true;
    }
    return false;
  };
}

async function recordsRoute(
  req: IncomingMessage,
  res: ServerResponse,
  collections: Collections,
  name: string,
  context: RequestContext,
): Promise<void> {
  allow(req, 'GET, POST');
  const principal = await context.principal();
  if (req.method === 'POST') {
    await context.countPublish();
    const body = await readJsonBody(req, collections.limits.maxRecordBytes);
    const { record } = await collections.insert(name, body, principal);
    sendRecord(res, 201, record, { Location: `${PREFIX}/${name}/records/${record.id}` });
    return;
  }
  const query = parseListQuery(context.url.searchParams);
  sendJson(res, 200, await collections.list(name, query, principal));
}

async function recordRoute(
  req: IncomingMessage,
  res: ServerResponse,
  collections: Collections,
  name: string,
  id: string,
  context: RequestContext,
): Promise<void> {
  allow(req, 'GET, PUT, PATCH, DELETE');
  const principal = await context.principal();
  // Every write appends an event to the log, like a publish.
  if (req.method !== 'GET') await context.countPublish();
  switch (req.method) {
    case 'GET':
      sendRecord(res, 200, await collections.get(name, id, principal));
      return;
    case 'PUT':
    case 'PATCH': {
      const ifVersion = parseIfMatch(req);
      const body = await readJsonBody(req, collections.limits.maxRecordBytes);
      const write =
        req.method === 'PUT'
          ? await collections.replace(name, id, body, { ifVersion }, principal)
          : await collections.patch(name, id, body, { ifVersion }, principal);
      sendRecord(res, 200, write.record);
      return;
    }
    default: {
      const { record } = await collections.delete(name, id, { ifVersion: parseIfMatch(req) }, principal);
      sendJson(res, 200, { id: record.id, deleted: true });
    }
  }
}

async function schemaRoute(
  req: IncomingMessage,
  res: ServerResponse,
  collections: Collections,
  name: string,
  principal: Principal,
): Promise<void> {
  allow(req, 'GET, PUT, DELETE');
  let schema: unknown;
  if (req.method === 'GET') schema = await collections.getSchema(name, principal);
  else if (req.method === 'PUT') {
    // Refused before the body is read: a non-admin learns nothing from its schema's validity.
    assertAdmin(principal, 'Changing a collection schema');
    schema = await collections.setSchema(name, await readJsonBody(req, MAX_SCHEMA_BYTES), principal);
  } else schema = await collections.setSchema(name, undefined, principal);
  sendJson(res, 200, { collection: name, schema: schema ?? null });
}

function sendRecord(
  res: ServerResponse,
  status: number,
  record: CollectionRecord,
  headers: Record<string, string> = {},
) {
  sendJson(res, status, record, { ETag: `"${record.version}"`, ...headers });
}

/** Throws 405 (with `Allow`) unless the request uses one of the listed methods. */
function allow(req: IncomingMessage, methods: string): void {
  if (!methods.split(', ').includes(req.method ?? '')) throw methodNotAllowed(methods);
}

/** `If-Match: 3`, `"3"` or `W/"3"` → 3; `*` or no header → no version check. */
function parseIfMatch(req: IncomingMessage): number | undefined {
  const raw = headerValue(req.headers['if-match'])?.trim();
  if (raw === undefined || raw === '' || raw === '*') return undefined;
  const match = /^(?:W\/)?"?([1-9]\d{0,14})"?$/.exec(raw);
  if (!match) {
    throw new SseHubError(
      'INVALID_IF_MATCH',
      `If-Match must be a record version such as 3 or "3"; got ${JSON.stringify(raw.slice(0, 40))}`,
    );
  }
  return Number(match[1]);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // left as is: the name or id check then rejects it
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
