import pg from 'pg';
import { SseHubError } from '../errors.js';
import { formatEventId } from '../log/event-id.js';
import type { EventLog } from '../log/event-log.js';
import { safeUrl } from '../log/safe-url.js';
import { ChangeWaiter } from './change-waiter.js';
import type { ChangeOp, CollectionRecord, RecordData, WhereFilter } from './collection-record.js';
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
import {
  COLUMNS,
  RECORDS_TABLE,
  type RecordRow,
  SCHEMA,
  SCHEMAS_TABLE,
  select,
  toRecord,
} from './postgres-records-table.js';
import { RecordIdGenerator } from './record-id.js';
import type { RecordSchema } from './record-schema.js';
import { assertSnapshotLimits, assertWritable, pageOf } from './store-checks.js';

/**
 * The capture capability the store needs for snapshots, passed at composition
 * (change capture's waitStored, the same wait live tables use): resolves once
 * every transaction that committed before `lsn` (a PostgreSQL WAL position) has
 * its events in the log, on any node, even while the database is quiet
 * (CAPTURE_UNAVAILABLE after a timeout).
 */
export interface CaptureBarrier {
  reach(lsn: string): Promise<void>;
}

export interface PostgresCollectionStoreOptions {
  url: string;
  /** The hub's log: its feed tells a write when its change event arrived. */
  log: EventLog;
  barrier: CaptureBarrier;
  /** How long a write waits for its change event before answering CAPTURE_UNAVAILABLE (default 10 s). */
  writeTimeoutMs?: number | undefined;
}

/** Advisory-lock class of collection locks (the other key is hashtext(collection)). */
const LOCK_CLASS = 0x55e4b;
/** Rows read per query while a snapshot streams a collection that a read rule filters. */
const SNAPSHOT_PAGE = 1_000;

/**
 * The {@link CollectionStore} in PostgreSQL, for hubs that share a log (Redis
 * cluster) or want their records in their own database.
 *
 * A write commits in PostgreSQL alone; its change event is made from the
 * committed row by change capture (the records table is captured like any
 * other, and mapped by capturedRecordEvent), so "write and event atomic" and
 * "exactly once" come from the WAL and the capture checkpoint. The write
 * answers once its event is in the log ({@link ChangeWaiter}), so a client that
 * writes and then resumes sees its own write, on any node.
 *
 * Snapshots: every write holds a shared advisory lock on its collection until
 * it commits; a snapshot takes that lock exclusively, reads the records and the
 * WAL insert position, waits (still holding it) until capture has stored
 * everything before that position, then reads the log head. No write of the
 * collection can commit meanwhile, so the changes at or below the head are
 * exactly those the records show: no gap, no duplicate. The cost: a snapshot
 * stalls the collection's writers for one capture round trip.
 *
 * Record `data` is `json` (not `jsonb`): its text is kept as written, so field
 * order survives and `where` compares each field's JSON text like SQLite does.
 * Names and ids are COLLATE "C": they compare by their bytes, as ULIDs (and
 * SQLite) do, whatever the database's locale.
 */
export class PostgresCollectionStore implements CollectionStore {
  readonly #pool: pg.Pool;
  readonly #url: string;
  readonly #log: EventLog;
  readonly #barrier: CaptureBarrier;
  readonly #waiter: ChangeWaiter;
  readonly #ids = new RecordIdGenerator();

  constructor(options: PostgresCollectionStoreOptions) {
    this.#pool = new pg.Pool({ connectionString: options.url, max: 10, connectionTimeoutMillis: 5_000 });
    // An idle connection that breaks (PostgreSQL restarted) is dropped by the pool; the next query reconnects.
    this.#pool.on('error', () => {});
    // A snapshot waits for capture up to the flushed WAL, so a write's commit must be flushed before the write
    // releases its collection lock: asynchronous commit (synchronous_commit = off) is turned up to local.
    this.#pool.on('connect', (client) => {
      client
        .query(
          "SELECT set_config('synchronous_commit', 'local', false) WHERE current_setting('synchronous_commit') = 'off'",
        )
        .catch(() => {});
    });
    this.#url = options.url;
    this.#log = options.log;
    this.#barrier = options.barrier;
    this.#waiter = new ChangeWaiter(options.log, options.writeTimeoutMs ?? 10_000);
  }

  /** Creates the tables if missing (two nodes starting at once take turns); errors name the fix. */
  async open(): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      throw new SseHubError(
        'STORE_UNAVAILABLE',
        `Cannot reach PostgreSQL at ${safeUrl(this.#url)}: ${(err as Error).message}. Check --postgres and that the server is running and accepts this role.`,
        undefined,
        { cause: err },
      );
    }
    client.release();
    await this.#transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCK_CLASS]);
      await client.query(SCHEMA);
      // Updates and deletes must carry the whole old row: `previous`, and a deleted record's last state.
      const identity = await client.query<{ full: boolean }>(
        `SELECT relreplident = 'f' AS full FROM pg_class WHERE oid = '${RECORDS_TABLE}'::regclass`,
      );
      if (!identity.rows[0]?.full) await client.query(`ALTER TABLE ${RECORDS_TABLE} REPLICA IDENTITY FULL`);
    }).catch((err: unknown) => {
      if (err instanceof SseHubError) throw err;
      throw new SseHubError(
        'STORE_UNAVAILABLE',
        `Cannot prepare the collections tables in PostgreSQL: ${(err as Error).message}. The --postgres role must be able to create tables in the public schema (GRANT CREATE ON SCHEMA public TO <role>), or own ${RECORDS_TABLE} and ${SCHEMAS_TABLE} if an administrator created them.`,
        undefined,
        { cause: err },
      );
    });
  }

  async close(): Promise<void> {
    this.#waiter.close();
    await this.#pool.end();
  }

  async insert(collection: string, data: RecordData, check?: (data: RecordData) => void): Promise<CollectionWrite> {
    return this.#write(collection, async (client) => {
      check?.(data);
      const now = Date.now();
      const max = await client.query<{ id: string | null }>(
        `SELECT max(id) AS id FROM ${RECORDS_TABLE} WHERE collection = $1`,
        [collection],
      );
      const id = this.#ids.next(now, max.rows[0]?.id ?? undefined);
      const record: CollectionRecord = { id, data, version: 1, createdAt: now, updatedAt: now };
      await client.query(
        `INSERT INTO ${RECORDS_TABLE} (collection, id, data, version, created_at, updated_at) VALUES ($1, $2, $3, 1, $4, $4)`,
        [collection, id, JSON.stringify(data), now],
      );
      return { record, op: 'insert' };
    });
  }

  async update(
    collection: string,
    id: string,
    change: RecordChange,
    expectedVersion?: number,
  ): Promise<CollectionWrite> {
    return this.#write(collection, async (client) => {
      const current = await this.#current(client, collection, id, expectedVersion);
      const data = change(current);
      const record: CollectionRecord = {
        ...current,
        data,
        version: current.version + 1,
        updatedAt: Math.max(Date.now(), current.updatedAt),
      };
      await client.query(
        `UPDATE ${RECORDS_TABLE} SET data = $1, version = $2, updated_at = $3 WHERE collection = $4 AND id = $5`,
        [JSON.stringify(data), record.version, record.updatedAt, collection, id],
      );
      return { record, op: 'update' };
    });
  }

  async delete(
    collection: string,
    id: string,
    expectedVersion?: number,
    check?: (current: CollectionRecord) => void,
  ): Promise<CollectionWrite> {
    return this.#write(collection, async (client) => {
      const record = await this.#current(client, collection, id, expectedVersion);
      check?.(record);
      await client.query(`DELETE FROM ${RECORDS_TABLE} WHERE collection = $1 AND id = $2`, [collection, id]);
      return { record, op: 'delete' };
    });
  }

  async get(collection: string, id: string): Promise<CollectionRecord | undefined> {
    const { rows } = await this.#query<RecordRow>(
      `SELECT ${COLUMNS} FROM ${RECORDS_TABLE} WHERE collection = $1 AND id = $2`,
      [collection, id],
    );
    return rows[0] && toRecord(rows[0]);
  }

  async list(collection: string, query: ListQuery): Promise<RecordPage> {
    // One extra row tells whether another page follows.
    const { text, values } = select(collection, query.where, query.afterId, query.limit + 1);
    return pageOf((await this.#query<RecordRow>(text, values)).rows.map(toRecord), query.limit);
  }

  async snapshot(
    collection: string,
    where: WhereFilter,
    limits: SnapshotLimits,
    filter?: (record: CollectionRecord) => boolean,
  ): Promise<Snapshot> {
    return this.#transaction(async (client) => {
      // Waits for the collection's writes in flight, and holds back new ones until COMMIT.
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, collection]);
      const records: CollectionRecord[] = [];
      let bytes = 0;
      let afterId: string | undefined;
      // Without a filter one row too many is enough; with one, pages stream until that many pass it.
      const page = filter ? SNAPSHOT_PAGE : limits.maxRecords + 1;
      for (;;) {
        const { text, values } = select(collection, where, afterId, page);
        const rows = (await client.query<RecordRow>(text, values)).rows;
        for (const row of rows) {
          const record = toRecord(row);
          if (filter && !filter(record)) continue;
          records.push(record);
          bytes += Buffer.byteLength(JSON.stringify(row.data), 'utf8');
          if (records.length > limits.maxRecords) break;
        }
        if (rows.length < page || records.length > limits.maxRecords || !filter) break;
        afterId = rows[rows.length - 1]?.id;
      }
      assertSnapshotLimits(collection, limits, records.length, bytes);
      // The flushed WAL, not the insert position: a record this transaction's reads inserted (page pruning)
      // may stay unflushed until some commit, and capture reads only flushed WAL, so it would wait for ever.
      // Every write that released its lock flushed its commit before (see the pool's connect hook).
      const lsn = (await client.query<{ lsn: string }>('SELECT pg_current_wal_flush_lsn()::text AS lsn')).rows[0]
        ?.lsn as string;
      await this.#barrier.reach(lsn);
      const position = await this.#log.position();
      return { records, position: formatEventId(position.epoch, position.head) };
    });
  }

  async collections(): Promise<CollectionSummary[]> {
    const { rows } = await this.#query<{ name: string; records: string }>(
      `SELECT name, sum(records)::text AS records FROM (
         SELECT collection AS name, count(*) AS records FROM ${RECORDS_TABLE} GROUP BY collection
         UNION ALL SELECT collection AS name, 0 AS records FROM ${SCHEMAS_TABLE}
       ) AS counts GROUP BY name ORDER BY name`,
    );
    return rows.map((r) => ({ name: r.name, records: Number(r.records) }));
  }

  async getSchema(collection: string): Promise<RecordSchema | undefined> {
    const { rows } = await this.#query<{ schema: RecordSchema }>(
      `SELECT schema FROM ${SCHEMAS_TABLE} WHERE collection = $1`,
      [collection],
    );
    return rows[0]?.schema;
  }

  async setSchema(collection: string, schema: RecordSchema | undefined): Promise<void> {
    if (schema === undefined) {
      await this.#query(`DELETE FROM ${SCHEMAS_TABLE} WHERE collection = $1`, [collection]);
    } else {
      await this.#query(
        `INSERT INTO ${SCHEMAS_TABLE} (collection, schema) VALUES ($1, $2)
         ON CONFLICT (collection) DO UPDATE SET schema = excluded.schema`,
        [collection, JSON.stringify(schema)],
      );
    }
  }

  /**
   * One write: under the collection's shared lock, `body` writes and says what it
   * wrote; the wait for its change event starts before COMMIT (the feed may
   * deliver it at once) and the write answers with that event.
   */
  async #write(
    collection: string,
    body: (client: pg.PoolClient) => Promise<{ record: CollectionRecord; op: ChangeOp }>,
  ): Promise<CollectionWrite> {
    let expected: ReturnType<ChangeWaiter['expect']> | undefined;
    try {
      const record = await this.#transaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock_shared($1, hashtext($2))', [LOCK_CLASS, collection]);
        const written = await body(client);
        expected = this.#waiter.expect(collection, written.record.id, written.op, written.record.version);
        return written.record;
      });
      return { record, event: await (expected as NonNullable<typeof expected>).event };
    } catch (err) {
      expected?.cancel();
      throw err;
    }
  }

  /** The record locked for this write; RECORD_NOT_FOUND or VERSION_CONFLICT otherwise. */
  async #current(
    client: pg.PoolClient,
    collection: string,
    id: string,
    expectedVersion: number | undefined,
  ): Promise<CollectionRecord> {
    const { rows } = await client.query<RecordRow>(
      `SELECT ${COLUMNS} FROM ${RECORDS_TABLE} WHERE collection = $1 AND id = $2 FOR UPDATE`,
      [collection, id],
    );
    assertWritable(collection, id, rows[0]?.version, expectedVersion);
    return toRecord(rows[0] as RecordRow);
  }

  async #transaction<T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#connect();
    try {
      await client.query('BEGIN');
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw unavailableUnlessOurs(err);
    } finally {
      client.release();
    }
  }

  async #query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.#pool.query<R>(text, values);
    } catch (err) {
      throw unavailableUnlessOurs(err);
    }
  }

  async #connect(): Promise<pg.PoolClient> {
    try {
      return await this.#pool.connect();
    } catch (err) {
      throw unavailableUnlessOurs(err);
    }
  }
}

/** The hub's own errors pass; anything from PostgreSQL or the network is STORE_UNAVAILABLE (503). */
function unavailableUnlessOurs(err: unknown): unknown {
  if (err instanceof SseHubError) return err;
  return new SseHubError(
    'STORE_UNAVAILABLE',
    `PostgreSQL (the collections store) failed: ${(err as Error)?.message ?? String(err)}`,
    undefined,
    { cause: err },
  );
}
