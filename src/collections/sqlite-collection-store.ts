import type Database from 'better-sqlite3';
import { formatEventId } from '../log/event-id.js';
import type { SqliteEventLog } from '../log/sqlite-log.js';
import { changeEventInput } from './change-event.js';
import type { CollectionRecord, RecordData, WhereFilter } from './collection-record.js';
import type {
  CollectionStore,
  CollectionSummary,
  CollectionWrite,
  ListQuery,
  RecordChange,
  RecordPage,
  Snapshot,
  SnapshotLimits,
} from './collection-store.js';
import { assertWhereField } from './list-query.js';
import { RecordIdGenerator } from './record-id.js';
import type { RecordSchema } from './record-schema.js';
import { assertSnapshotLimits, assertWritable, pageOf } from './store-checks.js';

interface RecordRow {
  id: string;
  data: string;
  version: number;
  created_at: number;
  updated_at: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS collection_records (
  collection TEXT NOT NULL,
  id TEXT NOT NULL,
  data TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (collection, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS collection_schemas (
  collection TEXT PRIMARY KEY,
  schema TEXT NOT NULL
) WITHOUT ROWID;
`;

const COLUMNS = 'id, data, version, created_at, updated_at';

/**
 * The {@link CollectionStore} on the SQLite event log's own database. Each write
 * runs in {@link SqliteEventLog.transaction} with its change event, and every
 * method works synchronously on the one connection, so a snapshot and the log
 * position it reports cannot be split by another write.
 */
export class SqliteCollectionStore implements CollectionStore {
  readonly #log: SqliteEventLog;
  readonly #db: Database.Database;
  readonly #ids = new RecordIdGenerator();
  readonly #statements: {
    get: Database.Statement<[string, string], RecordRow>;
    maxId: Database.Statement<[string], { id: string | null }>;
    insert: Database.Statement<[string, string, string, number, number, number]>;
    update: Database.Statement<[string, number, number, string, string]>;
    remove: Database.Statement<[string, string]>;
    getSchema: Database.Statement<[string], { schema: string }>;
    putSchema: Database.Statement<[string, string]>;
    deleteSchema: Database.Statement<[string]>;
    summaries: Database.Statement<[], CollectionSummary>;
  };
  readonly #selects = new Map<string, Database.Statement<unknown[], RecordRow>>();

  /** `log` must be open; the tables are created if missing. */
  constructor(log: SqliteEventLog) {
    this.#log = log;
    this.#db = log.db;
    this.#db.exec(SCHEMA);
    const db = this.#db;
    this.#statements = {
      get: db.prepare(`SELECT ${COLUMNS} FROM collection_records WHERE collection = ? AND id = ?`),
      maxId: db.prepare('SELECT max(id) AS id FROM collection_records WHERE collection = ?'),
      insert: db.prepare(
        'INSERT INTO collection_records (collection, id, data, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      update: db.prepare(
        'UPDATE collection_records SET data = ?, version = ?, updated_at = ? WHERE collection = ? AND id = ?',
      ),
      remove: db.prepare('DELETE FROM collection_records WHERE collection = ? AND id = ?'),
      getSchema: db.prepare('SELECT schema FROM collection_schemas WHERE collection = ?'),
      putSchema: db.prepare(
        'INSERT INTO collection_schemas (collection, schema) VALUES (?, ?) ON CONFLICT(collection) DO UPDATE SET schema = excluded.schema',
      ),
      deleteSchema: db.prepare('DELETE FROM collection_schemas WHERE collection = ?'),
      summaries: db.prepare(
        `SELECT name, sum(records) AS records FROM (
           SELECT collection AS name, count(*) AS records FROM collection_records GROUP BY collection
           UNION ALL SELECT collection AS name, 0 AS records FROM collection_schemas
         ) GROUP BY name ORDER BY name`,
      ),
    };
  }

  async insert(collection: string, data: RecordData, check?: (data: RecordData) => void): Promise<CollectionWrite> {
    return this.#log.transaction((append) => {
      check?.(data);
      const now = Date.now();
      const id = this.#ids.next(now, this.#statements.maxId.get(collection)?.id ?? undefined);
      const record: CollectionRecord = { id, data, version: 1, createdAt: now, updatedAt: now };
      this.#statements.insert.run(collection, id, JSON.stringify(data), 1, now, now);
      const [event] = append([changeEventInput('insert', collection, record)]);
      return { record, event: event! };
    });
  }

  async update(
    collection: string,
    id: string,
    change: RecordChange,
    expectedVersion?: number,
  ): Promise<CollectionWrite> {
    return this.#log.transaction((append) => {
      const current = this.#current(collection, id, expectedVersion);
      const data = change(current);
      const record: CollectionRecord = {
        ...current,
        data,
        version: current.version + 1,
        updatedAt: Math.max(Date.now(), current.updatedAt),
      };
      this.#statements.update.run(JSON.stringify(data), record.version, record.updatedAt, collection, id);
      const [event] = append([changeEventInput('update', collection, record, current)]);
      return { record, event: event! };
    });
  }

  async delete(
    collection: string,
    id: string,
    expectedVersion?: number,
    check?: (current: CollectionRecord) => void,
  ): Promise<CollectionWrite> {
    return this.#log.transaction((append) => {
      const record = this.#current(collection, id, expectedVersion);
      check?.(record);
      this.#statements.remove.run(collection, id);
      const [event] = append([changeEventInput('delete', collection, record)]);
      return { record, event: event! };
    });
  }

  async get(collection: string, id: string): Promise<CollectionRecord | undefined> {
    const row = this.#statements.get.get(collection, id);
    return row && toRecord(row);
  }

  async list(collection: string, query: ListQuery): Promise<RecordPage> {
    // One extra row tells whether another page follows.
    const { statement, params } = this.#select(collection, query.where, query.afterId, query.limit + 1);
    return pageOf(statement.all(...params).map(toRecord), query.limit);
  }

  async snapshot(
    collection: string,
    where: WhereFilter,
    limits: SnapshotLimits,
    filter?: (record: CollectionRecord) => boolean,
  ): Promise<Snapshot> {
    // Records and position are read in one synchronous step: no write can fall between them.
    const records: CollectionRecord[] = [];
    let bytes = 0;
    // Without a filter SQLite stops after one row too many; with one, rows stream until
    // that many pass it, so the limits count what is sent, not what was scanned.
    const { statement, params } = this.#select(collection, where, undefined, filter ? -1 : limits.maxRecords + 1);
    for (const row of statement.iterate(...params)) {
      const record = toRecord(row);
      if (filter && !filter(record)) continue;
      records.push(record);
      bytes += row.data.length;
      if (records.length > limits.maxRecords) break;
    }
    const position = this.#log.positionSync();
    assertSnapshotLimits(collection, limits, records.length, bytes);
    return { records, position: formatEventId(position.epoch, position.head) };
  }

  async collections(): Promise<CollectionSummary[]> {
    return this.#statements.summaries.all();
  }

  async getSchema(collection: string): Promise<RecordSchema | undefined> {
    const row = this.#statements.getSchema.get(collection);
    return row && (JSON.parse(row.schema) as RecordSchema);
  }

  async setSchema(collection: string, schema: RecordSchema | undefined): Promise<void> {
    if (schema === undefined) this.#statements.deleteSchema.run(collection);
    else this.#statements.putSchema.run(collection, JSON.stringify(schema));
  }

  #current(collection: string, id: string, expectedVersion: number | undefined): CollectionRecord {
    const row = this.#statements.get.get(collection, id);
    assertWritable(collection, id, row?.version, expectedVersion);
    return toRecord(row as RecordRow);
  }

  /**
   * The query for rows in id order (`limit` -1: no limit); `where` compares each
   * field's JSON text (`data -> '$."f"'`) with the value's.
   */
  #select(
    collection: string,
    where: WhereFilter,
    afterId: string | undefined,
    limit: number,
  ): { statement: Database.Statement<unknown[], RecordRow>; params: unknown[] } {
    const fields = Object.keys(where).map(assertWhereField);
    const key = `${afterId === undefined ? '' : '>'}${JSON.stringify(fields)}`;
    let statement = this.#selects.get(key);
    if (!statement) {
      const clauses = ['collection = ?'];
      if (afterId !== undefined) clauses.push('id > ?');
      for (const field of fields) clauses.push(`(data -> '$."${field}"') = ?`);
      statement = this.#db.prepare(
        `SELECT ${COLUMNS} FROM collection_records WHERE ${clauses.join(' AND ')} ORDER BY id LIMIT ?`,
      );
      // Bounded: distinct filter shapes are few in practice, and the cache is cleared when it grows.
      if (this.#selects.size >= 256) this.#selects.clear();
      this.#selects.set(key, statement);
    }
    const params: unknown[] = [collection];
    if (afterId !== undefined) params.push(afterId);
    for (const field of fields) params.push(JSON.stringify(where[field]));
    params.push(limit);
    return { statement, params };
  }
}

function toRecord(row: RecordRow): CollectionRecord {
  return {
    id: row.id,
    data: JSON.parse(row.data) as RecordData,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
