import type { Connection } from '../../src/hub/connection.js';
import { type ParsedEvent, SseParser } from '../../src/protocol/parser.js';

/**
 * A Connection that parses what the hub writes, for tests that drive the Hub
 * directly (no sockets): everything fits, so nothing waits for a drain.
 */
export class FakeConnection implements Connection {
  readonly bufferedBytes = 0;
  readonly events: ParsedEvent[] = [];
  ended = false;
  readonly #parser = new SseParser({ onEvent: (e) => this.events.push(e) });
  readonly #onClose: (() => void)[] = [];

  write(chunk: Buffer): void {
    if (!this.ended) this.#parser.feed(chunk);
  }

  end(): void {
    this.#finish();
  }

  destroy(): void {
    this.#finish();
  }

  /** The client goes away, as a closed socket would report it. */
  disconnect(): void {
    this.#finish();
  }

  onClose(listener: () => void): void {
    this.#onClose.push(listener);
  }

  onDrain(listener: () => void): void {
    queueMicrotask(listener);
  }

  #finish(): void {
    if (this.ended) return;
    this.ended = true;
    for (const listener of this.#onClose.splice(0)) listener();
  }
}
