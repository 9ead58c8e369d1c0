import type { Logger } from 'pino';
import { SseHubError } from '../errors.js';
import type { CheckpointStore, EventInput } from '../log/event-log.js';
import { changeEvent, sourceLostEvent, type TransactionStamp } from './change-events.js';
import type { ChangeSink, ChangeSource, RowChange, SourceState } from './change-source.js';
import type { CaptureProgress } from './consistent-snapshot.js';

/** How far capture trails its source (`/metrics`: ssehub_capture_lag_bytes / _seconds). */
export interface CaptureLag {
  /** Source log bytes written after the stored checkpoint; undefined when the source cannot be asked. */
  bytes: number | undefined;
  /** From commit to stored in the log, for the last transaction stored; undefined before the first. */
  seconds: number | undefined;
}

export interface CaptureHealth {
  state: SourceState | 'stopped';
  detail?: string;
  tables: readonly string[];
  /** The checkpoint of the last transaction stored in the log. */
  checkpoint?: string;
  transactions: number;
  changes: number;
}

/**
 * Rows per log chunk of one transaction (the chunks of a transaction still
 * commit together), and the group size that makes a commit wait for its append.
 */
const CHUNK_ROWS = 5_000;
/** How often {@link Capture.waitStored} reads the stored checkpoint (it may be written by another node). */
const PROGRESS_POLL_MS = 20;

/**
 * How captured changes become log events, given at composition: by default a
 * row change is a `db/<table>` event stamped with its transaction (change-events.ts:
 * consistent snapshots need the stamp), and lost history is a
 * `reset` on the captured tables' topics. A table that backs another feature
 * (the collections' records table) maps its rows to that feature's events, or
 * to none (`undefined`: nothing appended, the transaction still moves the checkpoint).
 */
export interface CaptureMapping {
  event(change: RowChange, stamp: TransactionStamp | undefined): EventInput | undefined;
  lost(tables: readonly string[], why: string): Promise<EventInput[]> | EventInput[];
}

export const DEFAULT_MAPPING: CaptureMapping = {
  event: changeEvent,
  lost: (tables, why) => [sourceLostEvent(tables, why)],
};

/**
 * Change capture: turns a source's committed transactions into log events,
 * exactly once. Each transaction's events (or a group of whole consecutive
 * transactions) and the checkpoint are appended in one atomic log step
 * ({@link CheckpointStore}); the source is told to release
 * a position only after that append is durable; on start, capture resumes from
 * the stored checkpoint and skips transactions at or below it (a source may
 * resend them after a crash).
 */
export class Capture implements CaptureProgress {
  readonly #source: ChangeSource;
  readonly #store: CheckpointStore;
  readonly #logger: Logger;
  readonly #key: string;
  readonly #mapping: CaptureMapping;
  #checkpoint: string | undefined;
  #state: CaptureHealth['state'] = 'stopped';
  #detail: string | undefined;
  #skipping = false;
  #stamp: TransactionStamp | undefined;
  #committedAt: number | undefined;
  /** Commit time of the group's last transaction, and the commit-to-log delay of the last group stored. */
  #groupCommittedAt: number | undefined;
  #lastDelayMs: number | undefined;
  #chunks: EventInput[][] = [];
  /** Committed transactions waiting for the next group append (see #flush). */
  #group: EventInput[][] = [];
  #groupRows = 0;
  #groupPosition: string | undefined;
  #groupTransactions = 0;
  /** Source transaction ids of the group, made visible before it is appended. */
  #groupXids: number[] = [];
  #flushScheduled = false;
  #flushing: Promise<void> | undefined;
  #failure: unknown;
  #transactions = 0;
  #changes = 0;

  constructor(
    source: ChangeSource,
    store: CheckpointStore,
    logger: Logger,
    key = 'capture',
    mapping: CaptureMapping = DEFAULT_MAPPING,
  ) {
    this.#source = source;
    this.#store = store;
    this.#logger = logger;
    this.#key = key;
    this.#mapping = mapping;
  }

  /** Resolves once the source is checked and streaming has begun; throws CAPTURE_UNAVAILABLE otherwise. */
  async start(): Promise<void> {
    this.#checkpoint = await this.#store.readCheckpoint(this.#key);
    await this.#source.start(this.#checkpoint, this.#sink);
  }

  health(): CaptureHealth {
    return {
      state: this.#state,
      ...(this.#detail !== undefined && { detail: this.#detail }),
      tables: this.#source.tables,
      ...(this.#checkpoint !== undefined && { checkpoint: this.#checkpoint }),
      transactions: this.#transactions,
      changes: this.#changes,
    };
  }

  /**
   * Waits until the stored checkpoint covers `position` (read from the store, so
   * a node whose capture is on standby follows the consuming node), asking the
   * source to report its read position meanwhile: a quiet source then advances
   * the checkpoint without a captured change (see ChangeSink.progress).
   */
  async waitStored(position: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.#source.reached(await this.#store.readCheckpoint(this.#key), position)) return;
      if (Date.now() >= deadline) {
        throw new SseHubError(
          'CAPTURE_UNAVAILABLE',
          `Change capture has not stored the database's changes up to ${position} within ${timeoutMs} ms (capture state: ${this.#state}${this.#detail ? `, ${this.#detail}` : ''}); retry later`,
        );
      }
      this.#source.requestProgress?.();
      await new Promise((resolve) => setTimeout(resolve, PROGRESS_POLL_MS));
    }
  }

  async lag(): Promise<CaptureLag> {
    const bytes = await this.#source.lagBytes?.(this.#checkpoint).catch(() => undefined);
    return { bytes, seconds: this.#lastDelayMs === undefined ? undefined : this.#lastDelayMs / 1000 };
  }

  async close(): Promise<void> {
    this.#state = 'stopped';
    await this.#source.close();
    await this.#flush();
  }

  /**
   * Group commit: consecutive transactions that arrived while the previous
   * append ran are stored in one atomic append with the last one's checkpoint
   * (whole transactions only, still in commit order), then confirmed.
   */
  async #flush(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    const position = this.#groupPosition;
    if (position === undefined) return;
    const group = this.#group;
    const transactions = this.#groupTransactions;
    const xids = this.#groupXids;
    const committedAt = this.#groupCommittedAt;
    this.#groupCommittedAt = undefined;
    this.#group = [];
    this.#groupRows = 0;
    this.#groupPosition = undefined;
    this.#groupTransactions = 0;
    this.#groupXids = [];
    this.#flushing = (async () => {
      try {
        if (xids.length > 0) await this.#source.awaitVisible?.(xids);
        const stored = await this.#store.appendWithCheckpoint(group, this.#key, position);
        this.#checkpoint = position;
        if (committedAt !== undefined) this.#lastDelayMs = Math.max(0, Date.now() - committedAt);
        this.#transactions += transactions;
        this.#changes += stored.length;
        this.#source.confirm(position);
      } catch (err) {
        this.#logger.error({ err }, 'change capture could not append to the log; it will resend from the checkpoint');
        this.#failure = err;
      }
    })();
    await this.#flushing;
    this.#flushing = undefined;
  }

  readonly #sink: ChangeSink = {
    begin: (position, xid, committedAt) => {
      this.#skipping = this.#source.isStored(position, this.#checkpoint);
      this.#stamp = xid === undefined ? undefined : { xid, lsn: position };
      this.#committedAt = committedAt;
      this.#chunks = [[]];
    },
    change: (change: RowChange) => {
      if (this.#skipping) return;
      const event = this.#mapping.event(change, this.#stamp);
      if (!event) return;
      let chunk = this.#chunks[this.#chunks.length - 1] as EventInput[];
      if (chunk.length >= CHUNK_ROWS) {
        chunk = [];
        this.#chunks.push(chunk);
      }
      chunk.push(event);
    },
    commit: async (position) => {
      if (this.#failure !== undefined) {
        // The last group was not stored: make the source reconnect and resend from the checkpoint.
        const failure = this.#failure;
        this.#failure = undefined;
        throw failure;
      }
      const chunks = this.#chunks;
      this.#chunks = [];
      // A transaction at or below the checkpoint is already in the log: nothing to write or confirm.
      if (this.#skipping) {
        this.#skipping = false;
        return;
      }
      for (const chunk of chunks) {
        if (chunk.length === 0) continue;
        this.#group.push(chunk);
        this.#groupRows += chunk.length;
      }
      this.#groupPosition = position;
      this.#groupTransactions++;
      if (this.#stamp) this.#groupXids.push(this.#stamp.xid);
      if (this.#committedAt !== undefined) this.#groupCommittedAt = this.#committedAt;
      if (this.#groupRows >= CHUNK_ROWS) await this.#flush();
      else if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => {
          this.#flushScheduled = false;
          void this.#flush();
        });
      }
    },
    progress: (checkpoint) => {
      // Only between transactions and with no append pending or running (the source calls
      // this only for a position past the last one confirmed): stored as an empty group.
      if (this.#chunks.length > 0 || this.#groupPosition !== undefined || this.#flushing) return;
      this.#groupPosition = checkpoint;
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => {
          this.#flushScheduled = false;
          void this.#flush();
        });
      }
    },
    lost: async (why, restartAt) => {
      await this.#flush();
      this.#logger.warn({ why }, 'change capture lost its source history; writing a reset for the captured tables');
      // The reset is stored with the new starting point, so a crash right after cannot lose or repeat it.
      const resets = await this.#mapping.lost(this.#source.tables, why);
      await this.#store.appendWithCheckpoint([resets], this.#key, restartAt);
      this.#checkpoint = restartAt;
    },
    checkpoint: async () => {
      // Reconnecting: whatever was not stored yet will be sent again.
      await this.#flushing;
      this.#group = [];
      this.#groupRows = 0;
      this.#groupPosition = undefined;
      this.#groupTransactions = 0;
      this.#groupXids = [];
      this.#groupCommittedAt = undefined;
      this.#failure = undefined;
      this.#checkpoint = await this.#store.readCheckpoint(this.#key);
      return this.#checkpoint;
    },
    state: (state, detail) => {
      if (state !== this.#state) this.#logger.info({ state, detail }, 'change capture state');
      this.#state = state;
      this.#detail = detail;
    },
  };
}
