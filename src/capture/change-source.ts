/**
 * The change-source port: a database whose committed changes the hub turns into
 * events. A source delivers whole committed transactions in commit order to a
 * {@link ChangeSink}, resumes after a checkpoint, and is told which positions
 * are safely stored so it may release them.
 */

/** One committed row change, with values already mapped to JSON (see docs/postgres.md). */
export interface RowChange {
  /** `schema.table` as captured. */
  table: string;
  op: 'insert' | 'update' | 'delete';
  /** Primary-key columns and values (identifies the row for `db/<table>/<key>`). */
  key: Record<string, unknown>;
  /** The new row (insert, update); null for delete. */
  row: Record<string, unknown> | null;
  /** The old row, or only its key, when the source sends it. */
  old?: Record<string, unknown> | undefined;
  /** Columns left out of `row` because they were unchanged TOASTed values the source did not resend. */
  unchanged?: string[] | undefined;
}

/** Receives a source's transactions; each method's promise is awaited before the next call. */
export interface ChangeSink {
  /**
   * A transaction begins; `position` is its commit position, `xid` the source's
   * transaction id (both go into every change event, so a consistent snapshot
   * can tell which changes it already holds: see consistent-snapshot.ts);
   * `committedAt` its commit time (ms since the epoch, the source's clock), for lag metrics.
   */
  begin(position: string, xid?: number, committedAt?: number): Promise<void> | void;
  change(change: RowChange): Promise<void> | void;
  /**
   * The transaction committed at `position`. May resolve before it is stored
   * (the sink groups transactions); the sink calls {@link ChangeSource.confirm}
   * once it is durable. Rejects when an earlier append failed: reconnect and
   * resend from {@link checkpoint}.
   */
  commit(position: string): Promise<void>;
  /**
   * The source lost history (why: human-readable); the consumer must reset its
   * readers and store `restartAt` as its checkpoint in the same step.
   */
  lost(why: string, restartAt: string): Promise<void>;
  /**
   * The last stored checkpoint, read again from storage: called before every
   * reconnect, since another node sharing the log may have moved it.
   */
  checkpoint(): Promise<string | undefined>;
  /**
   * Every transaction committed before `checkpoint`'s position has been handed
   * to {@link commit} (the source has read that far with nothing to report): the
   * consumer may store and confirm it once those commits are stored. Lets a quiet
   * source's checkpoint advance, which {@link CaptureProgress} waits on.
   */
  progress?(checkpoint: string): void;
  /** Connection state, for health reports. */
  state(state: SourceState, detail?: string): void;
}

/** `standby`: another process holds the source (a clustered node consuming the slot); this one retries. */
export type SourceState = 'connecting' | 'streaming' | 'standby' | 'down';

export interface ChangeSource {
  /** Tables this source captures, `schema.table`. */
  readonly tables: readonly string[];
  /**
   * Checks the source (throws a CAPTURE_UNAVAILABLE error naming the fix), then
   * streams transactions committed after `checkpoint` to `sink` until closed,
   * reconnecting with backoff when the connection drops.
   */
  start(checkpoint: string | undefined, sink: ChangeSink): Promise<void>;
  /** Everything at or before `checkpoint` is durably stored: the source may release it. */
  confirm(checkpoint: string): void;
  /** True when transaction `position` is at or below `checkpoint` (already stored). */
  isStored(position: string, checkpoint: string | undefined): boolean;
  /** True when every transaction committing before source `position` is at or below `checkpoint`. */
  reached(checkpoint: string | undefined, position: string): boolean;
  /**
   * Resolves once new snapshots of the source see these committed transactions
   * (a commit can reach the replication stream a moment before it is visible,
   * longer with synchronous replication). Capture appends a transaction only
   * then, which consistent snapshots rely on (consistent-snapshot.ts).
   */
  awaitVisible?(xids: readonly number[]): Promise<void>;
  /** Bytes of the source's log after `checkpoint` (not stored yet); undefined when it cannot tell now. */
  lagBytes?(checkpoint: string | undefined): Promise<number | undefined>;
  /** Asks the source to report its read position soon (through {@link ChangeSink.progress}). */
  requestProgress?(): void;
  close(): Promise<void>;
}
