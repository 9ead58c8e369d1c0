/**
 * The consistent-snapshot port: read a captured table at one point of the source
 * and continue with exactly the changes after that point from the hub's log, with
 * no gap and no duplicate, although the snapshot comes from the database and the
 * changes reach the log asynchronously (through change capture).
 *
 * The contract, which {@link readConsistent} relies on:
 * - every captured change event carries its transaction's stamp (`xid`, `lsn`:
 *   change-events.ts);
 * - {@link SourceSnapshot.includes} says, from the stamp alone, whether the
 *   snapshot already holds a transaction's changes;
 * - every transaction the snapshot holds committed before {@link SourceSnapshot.horizon},
 *   and {@link CaptureProgress.waitStored} resolves once the log holds every
 *   captured transaction committed before a position;
 * - capture appends a transaction only once new snapshots see it (so a log
 *   position read before the snapshot precedes every transaction the snapshot
 *   does not hold).
 * docs/postgres.md ("Live tables") gives the argument in full.
 */
import type { TransactionStamp } from './change-events.js';

/** One row as JSON values (the same mapping as change events). */
export type Row = Record<string, unknown>;

/** Rows of one table as of one point of the source. */
export interface SourceSnapshot {
  /** The rows kept by the reader's filter. */
  readonly rows: readonly Row[];
  /** The table's key columns in key order (every column for a table keyed by its whole row). */
  readonly keyColumns: readonly string[];
  /** True when this transaction's changes are already in `rows`: a stream after the snapshot drops them. */
  includes(stamp: TransactionStamp): boolean;
  /** A source position after every transaction {@link includes} accepts. */
  readonly horizon: string;
}

export interface SnapshotReadOptions {
  /** Rows to keep (others are read and dropped, so memory holds only these). */
  keep: (row: Row) => boolean;
  /** More kept rows than this: SNAPSHOT_TOO_LARGE. */
  maxRows: number;
}

/** Reads captured tables at a consistent point (implemented for PostgreSQL by postgres-snapshot-reader.ts). */
export interface SnapshotReader {
  /** Reads `table` (`schema.table`, one of the captured tables). */
  read(table: string, options: SnapshotReadOptions): Promise<SourceSnapshot>;
  close(): Promise<void>;
}

/** How far change capture has stored the source in the log (implemented by Capture). */
export interface CaptureProgress {
  /**
   * Resolves once the log holds every captured transaction that committed
   * before source `position`; rejects with CAPTURE_UNAVAILABLE after `timeoutMs`.
   */
  waitStored(position: string, timeoutMs: number): Promise<void>;
}
