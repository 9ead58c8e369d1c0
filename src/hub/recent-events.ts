import type { StoredEvent } from '../log/event-log.js';
import type { EncodedEvent } from './encoded-event.js';

/**
 * What one cached event costs in memory: its frame, the data string it was
 * encoded from (the stored event is kept alongside), and a fixed allowance for
 * the objects around them. An estimate, but one that grows with the event:
 * a count bound alone let 10,000 events of 256 KiB take gigabytes.
 */
export function eventCost(encoded: EncodedEvent): number {
  return encoded.frame.length + encoded.event.data.length + 256;
}

/**
 * The newest events the hub has fanned out, already encoded, kept in arrival
 * order. A resume that starts inside this window is served from memory, which is
 * what keeps a reconnect storm off the log. Bounded both by count and by bytes
 * ({@link eventCost}); the oldest go first.
 */
export class RecentEvents {
  readonly #capacity: number;
  readonly #maxBytes: number;
  #items: EncodedEvent[] = [];
  /** Index of the oldest kept item: dropping moves it, and the array is compacted in slabs. */
  #start = 0;
  #bytes = 0;

  constructor(capacity: number, maxBytes = Number.POSITIVE_INFINITY) {
    this.#capacity = capacity;
    this.#maxBytes = maxBytes;
  }

  /** Bytes held, by {@link eventCost}. */
  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#items.length - this.#start;
  }

  push(events: readonly EncodedEvent[]): void {
    if (this.#capacity === 0 || this.#maxBytes === 0) return;
    for (const e of events) {
      this.#items.push(e);
      this.#bytes += eventCost(e);
    }
    while (this.size > 0 && (this.size > this.#capacity || this.#bytes > this.#maxBytes)) {
      this.#bytes -= eventCost(this.#items[this.#start] as EncodedEvent);
      this.#items[this.#start++] = undefined as unknown as EncodedEvent; // let it be collected now
    }
    // Compact in slabs so pushes stay amortised O(1).
    if (this.#start > 1024 && this.#start > this.#items.length / 2) {
      this.#items = this.#items.slice(this.#start);
      this.#start = 0;
    }
  }

  /**
   * Events with seq greater than `afterSeq`, or undefined when the window does not
   * reach back that far (the caller then reads the log).
   */
  after(afterSeq: number, limit: number): EncodedEvent[] | undefined {
    const items = this.#items;
    const first = items[this.#start];
    if (!first || first.event.seq > afterSeq + 1) return undefined;
    let lo = this.#start;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((items[mid] as EncodedEvent).event.seq <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    return items.slice(lo, lo + limit);
  }

  /** The newest `limit` events that pass `keep`, newest first (the admin topic lookup). */
  last(limit: number, keep: (event: EncodedEvent) => boolean): StoredEvent[] {
    const out: StoredEvent[] = [];
    for (let i = this.#items.length - 1; i >= this.#start && out.length < limit; i--) {
      const item = this.#items[i] as EncodedEvent;
      if (keep(item)) out.push(item.event);
    }
    return out;
  }

  clear(): void {
    this.#items = [];
    this.#start = 0;
    this.#bytes = 0;
  }
}
