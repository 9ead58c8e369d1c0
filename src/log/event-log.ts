/**
 * The event log port. The hub appends every published event here before any
 * subscriber sees it, replays from here on resume, and receives the live feed
 * from here (so a shared log, such as Redis, feeds every node the same events).
 *
 * Positions (`seq`) are safe integers that only grow within one epoch. The epoch
 * names one incarnation of the log's storage: a wiped or replaced log gets a new
 * one, and ids from the old epoch are answered with a `reset`.
 */
export interface EventInput {
  topics: readonly string[];
  type?: string | undefined;
  data: string;
  /** Protocol-adapter metadata (Mercure), stored with the event by every adapter. */
  meta?: EventMeta | undefined;
}

/**
 * What a protocol adapter needs kept beside an event that the native API has
 * no field for: a Mercure update's privacy, its publisher-supplied id and retry.
 * `externalId` is unique across the log: an append repeating one is refused
 * with DUPLICATE_EVENT_ID, and {@link EventLog.findExternalId} maps it back to a position.
 */
export interface EventMeta {
  /** The protocol adapter that published the event (`mercure`); absent for native events. */
  readonly origin?: string | undefined;
  readonly private?: true | undefined;
  readonly externalId?: string | undefined;
  readonly retry?: number | undefined;
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
  readonly meta?: EventMeta | undefined;
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

/**
 * Optional capability of a log: append a batch together with a checkpoint (a
 * small named value, such as the source position of change capture) in one
 * atomic step, so a crash leaves either both or neither. A consumer that needs
 * exactly-once ingestion takes this port at composition; logs without it
 * leave {@link EventLog.checkpoints} undefined.
 */
export interface CheckpointStore {
  /**
   * Appends every event of every chunk and sets `key` to `value`, atomically;
   * resolves once durable. The chunks are consumed one at a time, so a caller
   * can stream a large batch from disk. Listeners see the events after commit.
   */
  appendWithCheckpoint(chunks: Iterable<readonly EventInput[]>, key: string, value: string): Promise<StoredEvent[]>;
  /** The value last written for `key` (undefined when never written). */
  readCheckpoint(key: string): Promise<string | undefined>;
}

export type AppendListener = (events: readonly StoredEvent[]) => void;

export interface EventLog {
  /** Opens storage; must be called (once) before anything else. */
  open(): Promise<void>;
  /** Appends events atomically; resolves once they are durable, in order. */
  append(inputs: readonly EventInput[]): Promise<StoredEvent[]>;
  /**
   * The position of the event appended with this `meta.externalId`, or undefined
   * when none was (ids of trimmed events may still resolve: resuming there is then
   * answered as history-trimmed).
   */
  findExternalId(externalId: string): Promise<number | undefined>;
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
  /** Atomic append-with-checkpoint, when this log supports it (see {@link CheckpointStore}). */
  readonly checkpoints?: CheckpointStore | undefined;
  close(): Promise<void>;
}
