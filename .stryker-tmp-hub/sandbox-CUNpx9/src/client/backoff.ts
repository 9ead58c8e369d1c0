/** Settings for reconnect delays. */
// @ts-nocheck

export interface BackoffOptions {
  /** Delay of the first retry before jitter; the server's `retry:` value once known. */
  baseMs: number;
  /** Upper bound of any delay. */
  capMs: number;
  /** A random source in [0, 1); tests pass their own. */
  random?: () => number;
}

/**
 * Exponential backoff with full jitter: a uniform delay in
 * `[0, min(cap, base * 2^attempt))`. Full jitter spreads thousands of clients
 * that lost the same server so they do not all come back in the same instant.
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}

/** Counts consecutive failures and hands out the next delay. */
export class Backoff {
  #attempt = 0;
  baseMs: number;
  readonly #capMs: number;
  readonly #random: (() => number) | undefined;

  constructor(options: BackoffOptions) {
    this.baseMs = options.baseMs;
    this.#capMs = options.capMs;
    this.#random = options.random;
  }

  get attempt(): number {
    return this.#attempt;
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    const options: BackoffOptions = { baseMs: this.baseMs, capMs: this.#capMs };
    if (this.#random) options.random = this.#random;
    return backoffDelay(this.#attempt++, options);
  }

  /** Call once a connection has worked: the next failure starts from the base again. */
  reset(): void {
    this.#attempt = 0;
  }
}
