import { SseHubError } from '../errors.js';

/** A share of the {@link UnsentBudget}; release it once the bytes have left the process. */
export interface UnsentLease {
  readonly bytes: number;
  /** Changes the reserved size (a retaken snapshot); throws HUB_BUSY if the growth does not fit. */
  resize(bytes: number): void;
  release(): void;
}

/**
 * The hub-wide cap on memory held for data that sockets have not taken yet,
 * beyond what each stream's own buffer bound covers: live-collection snapshots,
 * which can be tens of megabytes each. A client that opens a snapshot and never
 * reads would otherwise pin it; twenty of them pinned 700 MB. When a new
 * reservation does not fit, it is refused with 503 HUB_BUSY (and `Retry-After`),
 * so memory stays bounded however many such clients come.
 */
export class UnsentBudget {
  readonly limit: number;
  #used = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  get used(): number {
    return this.#used;
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
    if (this.#used + bytes > this.limit) {
      throw new SseHubError(
        'HUB_BUSY',
        `The hub holds ${this.#used} bytes of unsent data (limit ${this.limit}); retry shortly or narrow the query`,
      );
    }
    this.#used += bytes;
  }
}
