/**
 * The event log port. The hub appends every published event here before any
 * subscriber sees it, replays from here on resume, and receives the live feed
 * from here (so a shared log, such as Redis, feeds every node the same events).
 *
 * Positions (`seq`) are safe integers that only grow within one epoch. The epoch
 * names one incarnation of the log's storage: a wiped or replaced log gets a new
 * one, and ids from the old epoch are answered with a `reset`.
 */
// @ts-nocheck

export interface EventInput {
  topics: readonly string[];
  type?: string | undefined;
  data: string;
}

export interface StoredEvent {
  /** Position in the log; strictly increasing. */
  readonly seq: number;
  /** The id clients see: epoch and position, opaque to them. */
  readonly id: string;
  readonly topics: readonly string[];
  readonly type: string | undefined;
  readonly data: string;
  /** Append time, milliseconds since the Unix epoch. */
  readonly time: number;
}

export interface LogPosition {
  epoch: string;
  /** The newest appended position (0 when nothing was ever appended). */
  head: number;
  /** Every event at or below this position has been removed by retention. */
  trimmedThrough: number;
}

export interface RetentionPolicy {
  maxEvents?: number | undefined;
  maxAgeMs?: number | undefined;
}

export interface LogHealth {
  ok: boolean;
  detail?: string;
}

export type AppendListener = (events: readonly StoredEvent[]) => void;

export interface EventLog {
  /** Opens storage; must be called (once) before anything else. */
  open(): Promise<void>;
  /** Appends events atomically; resolves once they are durable, in order. */
  append(inputs: readonly EventInput[]): Promise<StoredEvent[]>;
  /** Up to `limit` events with seq greater than `afterSeq`, oldest first. */
  readAfter(afterSeq: number, limit: number): Promise<StoredEvent[]>;
  position(): Promise<LogPosition>;
  /**
   * Registers the live feed: called with every appended event (by this process or,
   * for a shared log, by any process), in log order, without gaps or repeats.
   */
  onAppend(listener: AppendListener): () => void;
  /**
   * Optional: for shared logs whose storage can be lost underneath a running hub
   * (Redis without persistence). Called when the log notices a new epoch; the hub
   * then sends `reset` to every open stream.
   */
  onEpochChange?(listener: (position: LogPosition) => void): () => void;
  /** Removes events outside the policy; returns how many were removed. */
  trim(policy: RetentionPolicy): Promise<number>;
  health(): LogHealth;
  close(): Promise<void>;
}
