/** A record of a collection, as the hub stores it. */
// @ts-nocheck

export interface HubRecord<T = Record<string, unknown>> {
  id: string;
  data: T;
  /** Starts at 1 and grows by one with every write. */
  version: number;
  /** Epoch milliseconds. */
  createdAt: number;
  updatedAt: number;
}

/** The data of an `insert` / `update` / `delete` event of a collection. */
export interface ChangeEventData<T = Record<string, unknown>> {
  op: 'insert' | 'update' | 'delete';
  collection: string;
  id: string;
  /** The record after the write; for a delete, the last record (absent on a delete the reader may not see the content of). */
  record: HubRecord<T>;
  /** On an `update`: the record before the write. */
  previous?: HubRecord<T>;
}

/** The data of the `snapshot` event that opens a live collection stream. */
export interface SnapshotData<T = Record<string, unknown>> {
  records: HubRecord<T>[];
  position: string;
}

/**
 * Top-level field equality filter: `{ author: 'ada' }` is `where.author=ada`.
 * Values compare as JSON, as on the server: `{ n: 3 }` does not match `{ n: '3' }`.
 */
export type Where = Readonly<Record<string, string | number | boolean | null>>;

/** One page of `GET /collections/:name/records`. */
export interface RecordPage<T = Record<string, unknown>> {
  records: HubRecord<T>[];
  nextCursor: string | null;
}

/** Options of a records listing. */
export interface ListOptions {
  limit?: number;
  cursor?: string | null | undefined;
  where?: Where;
}

/** True when a record's data has every field of `where` with an equal value (JSON equality, as the hub decides). */
export function matchesWhere(record: HubRecord<unknown>, where: Where | undefined): boolean {
  if (!where) return true;
  const data = record.data as Record<string, unknown> | null;
  if (typeof data !== 'object' || data === null) return Object.keys(where).length === 0;
  for (const [field, value] of Object.entries(where)) {
    if (!Object.hasOwn(data, field)) return false;
    if (JSON.stringify(data[field]) !== JSON.stringify(value)) return false;
  }
  return true;
}

/**
 * Adds `where.<field>=<value>` parameters to a URL. The hub reads a value as JSON
 * when it parses, so a string that would parse (`"3"`, `"true"`) is sent quoted.
 */
export function appendWhere(url: URL, where: Where | undefined): void {
  if (!where) return;
  for (const [field, value] of Object.entries(where))
    url.searchParams.append(`where.${field}`, encodeWhereValue(value));
}

function encodeWhereValue(value: string | number | boolean | null): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  try {
    JSON.parse(value);
    return JSON.stringify(value);
  } catch {
    return value;
  }
}
