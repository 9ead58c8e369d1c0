import type { Connection } from '../../src/hub/connection.js';
import { type ParsedEvent, SseParser } from '../../src/protocol/parser.js';

/**
 * A Connection that parses what the hub writes, for tests that drive the Hub
 * directly (no sockets). By default everything fits at once, so nothing waits
 * for a drain; `stall()` makes it behave like a socket whose reader stopped:
 * written bytes stay queued (in `bufferedBytes`) until `drain()`.
 */
export class FakeConnection implements Connection {
  bufferedBytes = 0;
  readonly events: ParsedEvent[] = [];
  /** Every chunk as written, in order. */
  readonly chunks: Buffer[] = [];
  ended = false;
  /** Set when the hub dropped the connection (slow consumer, error), not ended it cleanly. */
  destroyed = false;
  #stalled = false;
  readonly #parser = new SseParser({ onEvent: (e) => this.events.push(e) });
  readonly #onClose: (() => void)[] = [];
  #onDrain: (() => void)[] = [];

  write(chunk: Buffer): void {
    if (this.ended) return;
    this.chunks.push(chunk);
    if (this.#stalled) this.bufferedBytes += chunk.length;
    this.#parser.feed(chunk);
  }

  end(): void {
    this.#finish();
  }

  destroy(): void {
    this.destroyed = true;
    this.#finish();
  }

  /** The client goes away, as a closed socket would report it. */
  disconnect(): void {
    this.#finish();
  }

  /** From now on written bytes stay queued until {@link drain}. */
  stall(): void {
    this.#stalled = true;
  }

  /** The reader takes everything queued (and keeps reading): drain listeners run. */
  drain(): void {
    this.#stalled = false;
    this.bufferedBytes = 0;
    for (const listener of this.#onDrain.splice(0)) listener();
  }

  onClose(listener: () => void): void {
    this.#onClose.push(listener);
  }

  onDrain(listener: () => void): void {
    if (this.#stalled) this.#onDrain.push(listener);
    else queueMicrotask(listener);
  }

  #finish(): void {
    if (this.ended) return;
    this.ended = true;
    for (const listener of this.#onClose.splice(0)) listener();
    // As NodeConnection does: a close also ends every wait for a drain (the writer then sees it closed).
    for (const listener of this.#onDrain.splice(0)) listener();
  }
}
