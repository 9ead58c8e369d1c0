import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Connection } from '../hub/connection.js';

/** Response headers for every event stream (see docs/protocol.md). */
export const STREAM_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
} as const;

/**
 * The node:http adapter of the {@link Connection} port. Works for plain
 * node:http, Express and Fastify (through `reply.raw`), which all hand us the
 * same ServerResponse.
 */
export class NodeConnection implements Connection {
  readonly #res: ServerResponse;

  constructor(req: IncomingMessage, res: ServerResponse, extraHeaders: Record<string, string> = {}) {
    this.#res = res;
    req.socket.setNoDelay(true);
    req.socket.setKeepAlive(true);
    // HTTP/1.0 has no chunked encoding: the stream then ends with the connection.
    const connection = req.httpVersionMajor === 1 && req.httpVersionMinor === 1 ? { Connection: 'keep-alive' } : {};
    res.writeHead(200, { ...STREAM_HEADERS, ...connection, ...extraHeaders });
    res.flushHeaders();
  }

  get bufferedBytes(): number {
    return this.#res.writableLength;
  }

  write(chunk: Buffer): void {
    if (!this.#res.destroyed && !this.#res.writableEnded) this.#res.write(chunk);
  }

  end(): void {
    if (!this.#res.writableEnded) this.#res.end();
  }

  destroy(): void {
    this.#res.destroy();
  }

  onClose(listener: () => void): void {
    if (this.#res.closed || this.#res.destroyed) queueMicrotask(listener);
    else this.#res.once('close', listener);
  }

  onDrain(listener: () => void): void {
    const done = () => {
      this.#res.off('drain', done);
      this.#res.off('close', done);
      listener();
    };
    this.#res.on('drain', done);
    this.#res.on('close', done);
  }
}
