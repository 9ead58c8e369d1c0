import type { EncodedEvent } from './encoded-event.js';

/**
 * The newest events the hub has fanned out, already encoded, kept in arrival
 * order. A resume that starts inside this window is served from memory, which is
 * what keeps a reconnect storm off the log.
 */
export class RecentEvents {
  readonly #capacity: number;
  #items: EncodedEvent[] = [];

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  push(events: readonly EncodedEvent[]): void {
    if (this.#capacity === 0) return;
    this.#items.push(...events);
    const excess = this.#items.length - this.#capacity;
    // Trim in slabs so pushes stay amortised O(1).
    if (excess > this.#capacity / 4) this.#items = this.#items.slice(excess);
  }

  /**
   * Events with seq greater than `afterSeq`, or undefined when the window does not
   * reach back that far (the caller then reads the log).
   */
  after(afterSeq: number, limit: number): EncodedEvent[] | undefined {
    const items = this.#items;
    const first = items[0];
    if (!first || first.event.seq > afterSeq + 1) return undefined;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((items[mid] as EncodedEvent).event.seq <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    return items.slice(lo, lo + limit);
  }

  clear(): void {
    this.#items = [];
  }
}
