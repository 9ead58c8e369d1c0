/** How fast one identity may act: `perSecond` on average, up to `burst` at once. */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

interface Bucket {
  tokens: number;
  /** Clock reading when `tokens` was computed. */
  at: number;
}

/**
 * Token buckets keyed by identity. Each key starts full (`burst` tokens) and
 * refills at `perSecond`; an action takes one token. A bucket that has refilled
 * completely is indistinguishable from no bucket, so idle identities are
 * dropped: memory follows the identities active in the last refill period,
 * not every identity ever seen.
 */
export class RateLimiter {
  readonly #perMs: number;
  readonly #burst: number;
  readonly #now: () => number;
  /** Milliseconds an empty bucket takes to fill again: the sweep interval. */
  readonly #refillMs: number;
  readonly #buckets = new Map<string, Bucket>();
  #sweptAt: number;

  /** `now` is a monotonic clock in milliseconds (injected by tests). */
  constructor(limit: RateLimit, now: () => number = () => performance.now()) {
    if (!(limit.perSecond > 0) || !Number.isFinite(limit.perSecond)) {
      throw new RangeError(`perSecond must be a positive number; got ${limit.perSecond}`);
    }
    if (!Number.isSafeInteger(limit.burst) || limit.burst < 1) {
      throw new RangeError(`burst must be a positive whole number; got ${limit.burst}`);
    }
    this.#perMs = limit.perSecond / 1000;
    this.#burst = limit.burst;
    this.#now = now;
    this.#refillMs = limit.burst / this.#perMs;
    this.#sweptAt = now();
  }

  /**
   * Takes `count` tokens for `key` (one per action; a batch takes one per event):
   * 0 when the actions may go ahead, else the milliseconds until that many are
   * available (nothing is taken then; Infinity when `count` is over the burst).
   */
  take(key: string, count = 1): number {
    const now = this.#now();
    this.#sweep(now);
    let bucket = this.#buckets.get(key);
    if (bucket) {
      bucket.tokens = this.#level(bucket, now);
      bucket.at = now;
    } else {
      bucket = { tokens: this.#burst, at: now };
      this.#buckets.set(key, bucket);
    }
    if (bucket.tokens >= count) {
      bucket.tokens -= count;
      return 0;
    }
    if (count > this.#burst) return Number.POSITIVE_INFINITY;
    return Math.max(1, Math.ceil((count - bucket.tokens) / this.#perMs));
  }

  /** Identities currently tracked (for tests and stats). */
  get size(): number {
    return this.#buckets.size;
  }

  #level(bucket: Bucket, now: number): number {
    return Math.min(this.#burst, bucket.tokens + Math.max(0, now - bucket.at) * this.#perMs);
  }

  /** Drops full buckets, at most once per refill period: amortized O(1) per take. */
  #sweep(now: number): void {
    if (now - this.#sweptAt < this.#refillMs) return;
    this.#sweptAt = now;
    for (const [key, bucket] of this.#buckets) {
      if (this.#level(bucket, now) >= this.#burst) this.#buckets.delete(key);
    }
  }
}
