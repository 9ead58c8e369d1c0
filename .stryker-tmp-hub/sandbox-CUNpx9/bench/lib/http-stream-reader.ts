/**
 * Reads one HTTP/1.1 streaming response from raw socket bytes: the status line
 * and headers, then the body, de-chunked when `Transfer-Encoding: chunked`.
 * Body bytes are handed on as `(buf, start, end)` ranges without copying.
 */
// @ts-nocheck

export type BodySink = (buf: Buffer, start: number, end: number) => void;

enum Chunk {
  Size = 0,
  Data = 1,
  Crlf = 2,
  Done = 3,
}

export class HttpStreamReader {
  status = 0;
  headersDone = false;
  #head = '';
  #chunked = false;
  #state = Chunk.Size;
  #sizeLine = '';
  #left = 0;
  readonly #sink: BodySink;
  readonly #onHeaders: (status: number) => void;

  constructor(onHeaders: (status: number) => void, sink: BodySink) {
    this.#onHeaders = onHeaders;
    this.#sink = sink;
  }

  push(buf: Buffer): void {
    let start = 0;
    if (!this.headersDone) {
      this.#head += buf.toString('latin1');
      const end = this.#head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.#head.slice(0, end);
      const rest = this.#head.length - (end + 4);
      this.#head = '';
      this.headersDone = true;
      this.status = Number(head.slice(9, 12));
      this.#chunked = /\r\ntransfer-encoding:\s*chunked/i.test(head);
      this.#onHeaders(this.status);
      start = buf.length - rest;
    }
    if (start >= buf.length) return;
    if (this.#chunked) this.#dechunk(buf, start);
    else this.#sink(buf, start, buf.length);
  }

  #dechunk(buf: Buffer, i: number): void {
    const n = buf.length;
    while (i < n) {
      if (this.#state === Chunk.Data) {
        const take = Math.min(this.#left, n - i);
        this.#sink(buf, i, i + take);
        i += take;
        this.#left -= take;
        if (this.#left === 0) {
          this.#state = Chunk.Crlf;
          this.#left = 2;
        }
      } else if (this.#state === Chunk.Crlf) {
        const take = Math.min(this.#left, n - i);
        i += take;
        this.#left -= take;
        if (this.#left === 0) this.#state = Chunk.Size;
      } else if (this.#state === Chunk.Size) {
        const nl = buf.indexOf(0x0a, i);
        if (nl < 0) {
          this.#sizeLine += buf.toString('latin1', i, n);
          return;
        }
        this.#sizeLine += buf.toString('latin1', i, nl);
        i = nl + 1;
        const size = Number.parseInt(this.#sizeLine, 16);
        this.#sizeLine = '';
        if (size === 0) {
          this.#state = Chunk.Done;
          return;
        }
        this.#left = size;
        this.#state = Chunk.Data;
      } else {
        return;
      }
    }
  }
}
