// @ts-nocheck
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { decodeEntry, type RawStreamEntry, type RedisEntry } from './redis-entry.js';

export interface RedisLiveFeedOptions {
  /** A connection used for nothing else: XREAD BLOCK holds it. */
  reader: Redis;
  stream: string;
  /** How long one XREAD blocks; a quiet feed re-checks the log position this often. */
  blockMs: number;
  /** Entries read per XREAD at most. */
  batch: number;
  logger: Logger | undefined;
  /** The epoch whose entries the feed delivers. */
  epoch(): string;
  /** Called with each run of entries of the current epoch, in log order. */
  deliver(entries: readonly RedisEntry[]): void;
  /**
   * Compares Redis' position with the feed's cursor after an outage, a quiet
   * period or an entry of another epoch; returns the seq to continue after.
   */
  resync(cursor: number): Promise<number>;
}

const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 2_000;
const REPEAT_WARNING_MS = 30_000;

/**
 * The live feed of a Redis log: one `XREAD BLOCK ... STREAMS <key> <cursor>` loop
 * on a dedicated connection. Entries arrive in stream order and the cursor only
 * moves past delivered entries, so listeners see every event once, with no gap,
 * whichever node appended it. On errors it backs off (100 ms doubling to 2 s),
 * re-checks the log position, and continues from its cursor.
 */
export class RedisLiveFeed {
  readonly #options: RedisLiveFeedOptions;
  #cursor = 0;
  #closed = false;
  #running: Promise<void> | undefined;
  #failures = 0;
  #failingSince = 0;
  #lastWarning = 0;
  #lastError: string | undefined;
  #wake: (() => void) | undefined;

  constructor(options: RedisLiveFeedOptions) {
    this.#options = options;
  }

  /** The seq of the last entry delivered (or skipped by a resync). */
  get cursor(): number {
    return this.#cursor;
  }

  /** Undefined while the feed reads normally; otherwise what went wrong. */
  get problem(): string | undefined {
    return this.#failures > 0 ? this.#lastError : undefined;
  }

  start(cursor: number): void {
    if (this.#running) return;
    this.#cursor = cursor;
    this.#running = this.#run();
  }

  async stop(): Promise<void> {
    this.#closed = true;
    this.#options.reader.disconnect();
    this.#wake?.();
    await this.#running;
  }

  async #run(): Promise<void> {
    const { reader, stream, blockMs, batch } = this.#options;
    let resync = false;
    while (!this.#closed) {
      try {
        if (resync) {
          this.#cursor = await this.#options.resync(this.#cursor);
          resync = false;
        }
        const reply = (await reader.xread('COUNT', batch, 'BLOCK', blockMs, 'STREAMS', stream, `${this.#cursor}-0`)) as
          | [string, RawStreamEntry[]][]
          | null;
        this.#recovered();
        // A quiet period: re-check the epoch (a Redis flushed without a restart shows up here).
        if (!reply) resync = true;
        else resync = !this.#deliver(reply[0]?.[1] ?? []);
      } catch (err) {
        if (this.#closed) break;
        resync = true;
        await this.#failed(err as Error);
      }
    }
  }

  /** Delivers entries of the current epoch; false when one of another epoch stopped it. */
  #deliver(raw: readonly RawStreamEntry[]): boolean {
    const epoch = this.#options.epoch();
    const entries: RedisEntry[] = [];
    let sameEpoch = true;
    for (const item of raw) {
      const entry = decodeEntry(item);
      if (entry.epoch !== epoch) {
        sameEpoch = false;
        break;
      }
      entries.push(entry);
    }
    const last = entries[entries.length - 1];
    if (!last) return sameEpoch;
    // Move the cursor first: a throwing listener must not make the feed repeat events.
    this.#cursor = last.event.seq;
    try {
      this.#options.deliver(entries);
    } catch (err) {
      this.#options.logger?.error({ err }, 'a live-feed listener failed');
    }
    return sameEpoch;
  }

  async #failed(err: Error): Promise<void> {
    const now = Date.now();
    this.#lastError = `live feed: ${err.message}`;
    if (this.#failures === 0) this.#failingSince = now;
    this.#failures++;
    const delay = Math.min(BACKOFF_MIN_MS * 2 ** (this.#failures - 1), BACKOFF_MAX_MS);
    if (this.#failures === 1 || now - this.#lastWarning >= REPEAT_WARNING_MS) {
      this.#lastWarning = now;
      this.#options.logger?.warn(
        { err: err.message, attempts: this.#failures, cursor: this.#cursor },
        `the live feed from Redis failed; retrying with backoff (next in ${delay} ms)`,
      );
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#wake = undefined;
  }

  #recovered(): void {
    if (this.#failures === 0) return;
    this.#options.logger?.info(
      { attempts: this.#failures, downMs: Date.now() - this.#failingSince, cursor: this.#cursor },
      'the live feed from Redis is back',
    );
    this.#failures = 0;
    this.#lastError = undefined;
  }
}
