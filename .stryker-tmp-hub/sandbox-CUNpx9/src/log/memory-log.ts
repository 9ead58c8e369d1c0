// @ts-nocheck
import { formatEventId, newEpoch } from './event-id.js';
import type { EventInput, EventLog, LogPosition, RetentionPolicy, StoredEvent } from './event-log.js';
import { AppendListeners } from './listeners.js';

export interface MemoryLogOptions {
  /** Hard cap on kept events, applied on append (oldest dropped first). */
  capacity?: number;
  /**
   * Hard cap on the bytes of kept event data (oldest dropped first): a count
   * alone lets large events take gigabytes. Unbounded if unset.
   */
  maxBytes?: number;
}

/**
 * An in-memory log for tests and `--ephemeral`: nothing survives the process, and
 * every start is a new epoch, so clients resuming across a restart get a `reset`.
 */
export class MemoryEventLog implements EventLog {
  readonly #events: StoredEvent[] = [];
  readonly #listeners = new AppendListeners();
  readonly #capacity: number;
  readonly #maxBytes: number;
  #bytes = 0;
  readonly #epoch = newEpoch();
  #head = 0;
  #trimmedThrough = 0;

  constructor(options: MemoryLogOptions = {}) {
    this.#capacity = options.capacity ?? 100_000;
    this.#maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  }

  async open(): Promise<void> {}

  async append(inputs: readonly EventInput[]): Promise<StoredEvent[]> {
    const time = Date.now();
    const stored = inputs.map((input) => {
      const seq = ++this.#head;
      return {
        seq,
        id: formatEventId(this.#epoch, seq),
        topics: [...input.topics],
        type: input.type,
        data: input.data,
        time,
      };
    });
    this.#events.push(...stored);
    for (const event of stored) this.#bytes += event.data.length;
    let excess = Math.max(0, this.#events.length - this.#capacity);
    let bytes = this.#bytes;
    for (let i = 0; i < excess; i++) bytes -= (this.#events[i] as StoredEvent).data.length;
    // Keep the newest event even if it alone is over the bound.
    while (bytes > this.#maxBytes && excess < this.#events.length - 1) {
      bytes -= (this.#events[excess++] as StoredEvent).data.length;
    }
    if (excess > 0) this.#dropOldest(excess);
    this.#listeners.emit(stored);
    return stored;
  }

  async readAfter(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const first = this.#events[0];
    if (!first) return [];
    const start = Math.max(0, afterSeq + 1 - first.seq);
    return this.#events.slice(start, start + limit);
  }

  async position(): Promise<LogPosition> {
    return { epoch: this.#epoch, head: this.#head, trimmedThrough: this.#trimmedThrough };
  }

  onAppend(listener: (events: readonly StoredEvent[]) => void): () => void {
    return this.#listeners.add(listener);
  }

  async trim(policy: RetentionPolicy): Promise<number> {
    let drop = 0;
    if (policy.maxEvents !== undefined) drop = Math.max(drop, this.#events.length - policy.maxEvents);
    if (policy.maxAgeMs !== undefined) {
      const cutoff = Date.now() - policy.maxAgeMs;
      let old = 0;
      while (old < this.#events.length && (this.#events[old] as StoredEvent).time < cutoff) old++;
      drop = Math.max(drop, old);
    }
    if (drop > 0) this.#dropOldest(drop);
    return Math.max(drop, 0);
  }

  #dropOldest(count: number): void {
    const removed = this.#events.splice(0, count);
    for (const event of removed) this.#bytes -= event.data.length;
    const last = removed[removed.length - 1];
    if (last) this.#trimmedThrough = last.seq;
  }

  health() {
    return { ok: true };
  }

  async close(): Promise<void> {}
}
