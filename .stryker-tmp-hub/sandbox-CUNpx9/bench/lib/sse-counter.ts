// @ts-nocheck
import type { LatencyHistogram } from './latency-histogram.js';

/** Every benchmark event's data carries `@@<publish time in ms>` (see publish-data.ts). */
const NL = 0x0a;

/**
 * Counts benchmark events in an SSE body without a full SSE parser: one event
 * per `@@` marker (it only ever appears inside a `data:` line), and reads the
 * publish timestamp that follows to record latency. Only complete lines are
 * scanned; a partial last line is carried over to the next read.
 */
export class SseCounter {
  events = 0;
  #carry: Buffer | undefined;
  readonly #histogram: LatencyHistogram | undefined;

  constructor(histogram: LatencyHistogram | undefined) {
    this.#histogram = histogram;
  }

  /** Scans `buf[start, end)` received at `now` (ms, see clock.ts). Returns the events found. */
  scan(buf: Buffer, start: number, end: number, now: number): number {
    const before = this.events;
    const lastNl = buf.lastIndexOf(NL, end - 1);
    if (lastNl < start) {
      this.#carry = this.#carry
        ? Buffer.concat([this.#carry, buf.subarray(start, end)])
        : Buffer.from(buf.subarray(start, end));
      return 0;
    }
    if (this.#carry) {
      const firstNl = buf.indexOf(NL, start);
      const head = Buffer.concat([this.#carry, buf.subarray(start, firstNl + 1)]);
      this.#carry = undefined;
      this.#scanLines(head, now);
      start = firstNl + 1;
    }
    if (start <= lastNl) this.#scanLines(buf.subarray(start, lastNl + 1), now);
    if (lastNl + 1 < end) this.#carry = Buffer.from(buf.subarray(lastNl + 1, end));
    return this.events - before;
  }

  /**
   * Scans as a latin1 string: V8's String#indexOf has no per-call native
   * boundary to cross, which makes it several times cheaper than Buffer#indexOf
   * when hopping over millions of small frames.
   */
  #scanLines(buf: Buffer, now: number): void {
    const text = buf.toString('latin1');
    const histogram = this.#histogram;
    let i = 0;
    for (;;) {
      const at = text.indexOf('@@', i);
      if (at < 0) return;
      this.events++;
      i = at + 2;
      if (!histogram) continue;
      let value = 0;
      let c = text.charCodeAt(i);
      while (c >= 48 && c <= 57) {
        value = value * 10 + c - 48;
        c = text.charCodeAt(++i);
      }
      if (c === 46) {
        let scale = 0.1;
        c = text.charCodeAt(++i);
        while (c >= 48 && c <= 57) {
          value += (c - 48) * scale;
          scale /= 10;
          c = text.charCodeAt(++i);
        }
      }
      histogram.record(now - value);
    }
  }
}
