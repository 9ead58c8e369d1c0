// @ts-nocheck
import type { StoredEvent } from '../log/event-log.js';
import type { CollectionRecord, RecordData, WhereFilter } from './collection-record.js';
import type { RecordSchema } from './record-schema.js';

/** A committed write: the record and the change event that committed with it. */
export interface CollectionWrite {
  readonly record: CollectionRecord;
  readonly event: StoredEvent;
}

export interface ListQuery {
  /** Only records whose id sorts after this one. */
  afterId?: string | undefined;
  limit: number;
  where: WhereFilter;
}

export interface RecordPage {
  records: CollectionRecord[];
  /** Set when more records may follow: the id of the last record returned. */
  lastId: string | undefined;
}

/** Every matching record and the log position the set was read at. */
export interface Snapshot {
  records: CollectionRecord[];
  /** The event id of the log head when the records were read. */
  position: string;
}

export interface SnapshotLimits {
  maxRecords: number;
  /** Sum of the records' data JSON sizes. */
  maxBytes: number;
}

export interface CollectionSummary {
  name: string;
  records: number;
}

/**
 * Computes a record's next data from its current state, inside the write's
 * transaction (so merges and checks see the committed record). Throw to abort:
 * nothing is written and no event is appended.
 */
export type RecordChange = (current: CollectionRecord) => RecordData;

/**
 * The collections storage port. Every write commits together with its change
 * event in the event log, or not at all; `snapshot` reads records and the log
 * position as one consistent view. The SQLite adapter (sqlite-collection-store.ts)
 * keeps records in the log's own database; a shared adapter for cluster mode can
 * implement the same contract later.
 */
export interface CollectionStore {
  /** Creates a record with a new id; `check` sees the data before it is written. */
  insert(collection: string, data: RecordData, check?: (data: RecordData) => void): Promise<CollectionWrite>;
  /**
   * Rewrites a record's data; RECORD_NOT_FOUND if absent, VERSION_CONFLICT if
   * `expectedVersion` is stale. The event carries the record before the write as `previous`.
   */
  update(collection: string, id: string, change: RecordChange, expectedVersion?: number): Promise<CollectionWrite>;
  /** Deletes a record; the event carries its last state. `check` sees that state first (throw to abort). */
  delete(
    collection: string,
    id: string,
    expectedVersion?: number,
    check?: (current: CollectionRecord) => void,
  ): Promise<CollectionWrite>;
  get(collection: string, id: string): Promise<CollectionRecord | undefined>;
  /** Records in ascending id order. */
  list(collection: string, query: ListQuery): Promise<RecordPage>;
  /**
   * Throws SNAPSHOT_TOO_LARGE rather than return part of the set. `filter` (a
   * read rule) drops records before the limits count them.
   */
  snapshot(
    collection: string,
    where: WhereFilter,
    limits: SnapshotLimits,
    filter?: (record: CollectionRecord) => boolean,
  ): Promise<Snapshot>;
  collections(): Promise<CollectionSummary[]>;
  getSchema(collection: string): Promise<RecordSchema | undefined>;
  /** Stores (or, with undefined, removes) a collection's schema. */
  setSchema(collection: string, schema: RecordSchema | undefined): Promise<void>;
}
