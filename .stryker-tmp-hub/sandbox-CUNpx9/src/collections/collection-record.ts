/** The JSON object a record holds. */
// @ts-nocheck

export type RecordData = Record<string, unknown>;

/** One record of a collection, as the API returns it. */
export interface CollectionRecord {
  readonly id: string;
  readonly data: RecordData;
  /** 1 on create, +1 on every write. */
  readonly version: number;
  /** Milliseconds since the Unix epoch. */
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** The three kinds of change; also the SSE event type of change events. */
export type ChangeOp = 'insert' | 'update' | 'delete';

/** The data of a change event (JSON), on topics `collections/<name>` and `collections/<name>/<id>`. */
export interface ChangeEventData {
  op: ChangeOp;
  collection: string;
  id: string;
  /** The record after the write; for `delete`, the record as it was last. */
  record: CollectionRecord;
  /**
   * `update` only: the record before the write, so a filtered stream can tell
   * whether the record entered or left its view.
   */
  previous?: CollectionRecord;
}

/** Top-level field equality filters (`where.<field>=<value>`). */
export type WhereFilter = Readonly<Record<string, unknown>>;

/** True when every filtered top-level field of `data` equals the filter value (JSON equality). */
export function matchesWhere(data: RecordData, where: WhereFilter): boolean {
  for (const [field, value] of Object.entries(where)) {
    if (!Object.hasOwn(data, field)) return false;
    if (JSON.stringify(data[field]) !== JSON.stringify(value)) return false;
  }
  return true;
}
