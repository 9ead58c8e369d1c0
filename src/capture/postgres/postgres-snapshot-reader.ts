import pg from 'pg';
import { SseHubError } from '../../errors.js';
import type { TransactionStamp } from '../change-events.js';
import type { Row, SnapshotReader, SnapshotReadOptions, SourceSnapshot } from '../consistent-snapshot.js';
import { compareLsn } from './checkpoint.js';
import { quoteTable, readTableInfo } from './table-info.js';
import { textMapper } from './type-mapping.js';
import { parseXidSnapshot, snapshotHolds } from './xid-snapshot.js';

/** Connections kept for snapshot reads (each read holds one for its transaction). */
const POOL_SIZE = 4;
/** Rows fetched per round trip while reading a snapshot. */
const FETCH_ROWS = 1_000;

/**
 * Snapshots of captured PostgreSQL tables: each read runs in one REPEATABLE
 * READ transaction that takes its snapshot with `pg_current_snapshot()`, reads
 * the rows, and then reads `pg_current_wal_lsn()` as the horizon (every
 * transaction visible in the snapshot wrote its commit record before it).
 * Values are mapped from PostgreSQL's text form exactly as capture maps them
 * (type-mapping.ts), with the same session settings, so a row reads the same in
 * a snapshot and in a change event.
 */
export class PostgresSnapshotReader implements SnapshotReader {
  readonly #pool: pg.Pool;

  constructor(url: string) {
    this.#pool = new pg.Pool({
      connectionString: url,
      max: POOL_SIZE,
      connectionTimeoutMillis: 5_000,
      options: '-c DateStyle=ISO -c IntervalStyle=postgres',
      // Every column in text form through capture's mapping (pg's own parsers differ: Date objects, numbers).
      types: { getTypeParser: (oid: number) => textMapper(oid) } as unknown as pg.CustomTypesConfig,
    });
    this.#pool.on('error', () => {});
  }

  async read(table: string, options: SnapshotReadOptions): Promise<SourceSnapshot> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      throw new SseHubError(
        'CAPTURE_UNAVAILABLE',
        `Cannot read a snapshot of ${table}: PostgreSQL is unreachable (${(err as Error).message}); retry later`,
        undefined,
        { cause: err },
      );
    }
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      // The first statement takes the transaction's snapshot; this one also reports it.
      const snapshotText = (await client.query<{ s: string }>('SELECT pg_current_snapshot()::text AS s')).rows[0]?.s;
      const info = await readTableInfo(client, table);
      if (!info) throw new SseHubError('CAPTURE_UNAVAILABLE', `The captured table ${table} no longer exists`);
      // Read through a cursor, a batch at a time: only the rows kept are held.
      await client.query(`DECLARE snapshot_rows NO SCROLL CURSOR FOR SELECT * FROM ${quoteTable(table)}`);
      const rows: Row[] = [];
      let columns: string[] = [];
      for (;;) {
        const batch = await client.query<Row>(`FETCH ${FETCH_ROWS} FROM snapshot_rows`);
        columns = batch.fields.map((f) => f.name);
        for (const row of batch.rows) {
          if (!options.keep(row)) continue;
          if (rows.length >= options.maxRows) {
            throw new SseHubError(
              'SNAPSHOT_TOO_LARGE',
              `More than ${options.maxRows} rows of ${table} match; narrow the query with where.<column>=<value>`,
            );
          }
          rows.push(row);
        }
        if (batch.rows.length < FETCH_ROWS) break;
      }
      const horizon = (await client.query<{ l: string }>('SELECT pg_current_wal_lsn()::text AS l')).rows[0]?.l;
      await client.query('COMMIT');
      const snapshot = parseXidSnapshot(snapshotText as string);
      const end = horizon as string;
      return {
        rows,
        keyColumns: info.keyColumns.length > 0 ? info.keyColumns : columns,
        horizon: end,
        includes: (stamp: TransactionStamp) => compareLsn(stamp.lsn, end) < 0 && snapshotHolds(snapshot, stamp.xid),
      };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
