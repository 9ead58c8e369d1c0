import { SseHubError } from '../errors.js';

/** A share of the {@link UnsentBudget}; release it once the bytes have left the process. */
export interface UnsentLease {
  readonly bytes: number;
  /** Changes the reserved size (a retaken snapshot); throws HUB_BUSY if the growth does not fit. */
  resize(bytes: number): void;
  release(): void;
}

/**
 * The hub-wide cap on memory held for data that sockets have not taken yet.
 * Live-collection snapshots, tens of megabytes each, reserve their size here: a
 * client that opens a snapshot and never reads would otherwise pin it, and
 * twenty of them pinned 700 MB. What event streams have queued counts too
 * (each stream is bounded by its own buffer bound and dropped past it; the
 * hub's sweep sums their queues every second). When a new reservation does not
 * fit, it is refused with 503 HUB_BUSY (and `Retry-After`), so memory stays
 * bounded however many such clients come.
 */
export class UnsentBudget {
  readonly limit: number;
  #used = 0;
  /** Bytes queued on event streams at the last sweep. */
  streamBytes = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Bytes held: reserved snapshots plus what event streams had queued at the last sweep. */
  get used(): number {
    return this.#used + this.streamBytes;
  }

  reserve(bytes: number): UnsentLease {
    this.#take(bytes);
    let held = bytes;
    let released = false;
    return {
      get bytes() {
        return held;
      },
      resize: (next: number) => {
        if (released) return;
        if (next > held) this.#take(next - held);
        else this.#used -= held - next;
        held = next;
      },
      release: () => {
        if (released) return;
        released = true;
        this.#used -= held;
      },
    };
  }

  #take(bytes: number): void {
    if (this.used + bytes > this.limit) {
      throw new SseHubError(
        'HUB_BUSY',
        `The hub holds ${this.used} bytes of unsent data (limit ${this.limit}); retry shortly or narrow the query`,
      );
    }
    this.#used += bytes;
  }
}
