import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Connection } from '../hub/connection.js';
import { releaseSentHeaders } from './release-sent-headers.js';

/** Response headers for every event stream (see docs/protocol.md). */
export const STREAM_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
} as const;

const CRLF = Buffer.from('\r\n');

/**
 * The last chunks framed for chunked transfer encoding. The hub writes the same
 * chunk to every member of a topic group in a row, and clients resuming from the
 * same point get the same few replay chunks, so a chunk is framed once, not once
 * per subscriber.
 */
const FRAMED_CACHE = 4;
const framedChunks: { chunk: Buffer; framed: Buffer }[] = [];
/**
 * Chunks above this are not copied into a framed buffer at all but written as
 * size line, chunk and CRLF in one corked write: a copy per large chunk would
 * double the memory of every big event, and the cache would pin four of them.
 */
const COPY_FRAME_MAX_BYTES = 64 * 1024;

function framed(chunk: Buffer): Buffer {
  for (const entry of framedChunks) if (entry.chunk === chunk) return entry.framed;
  const size = Buffer.from(`${chunk.length.toString(16)}\r\n`, 'latin1');
  const out = Buffer.allocUnsafe(size.length + chunk.length + 2);
  size.copy(out, 0);
  chunk.copy(out, size.length);
  CRLF.copy(out, size.length + chunk.length);
  if (framedChunks.length >= FRAMED_CACHE) framedChunks.shift();
  framedChunks.push({ chunk, framed: out });
  return out;
}

/**
 * Whether the response can take no more writes. Node's HTTP/2 compatibility
 * response has no `closed`/`destroyed` of its own (both read undefined): its
 * stream has them, and an `onClose` asked after the stream went would otherwise
 * wait forever.
 */
function isGone(res: ServerResponse): boolean {
  const stream = (res as ServerResponse & { stream?: { destroyed: boolean } }).stream;
  return res.closed || res.destroyed || stream?.destroyed === true;
}

/**
 * The node:http adapter of the {@link Connection} port. Works for plain
 * node:http, Express and Fastify (through `reply.raw`), which all hand us the
 * same ServerResponse, and for node:http2's compatibility response (HTTP/2
 * over TLS or h2c): that one is not a ServerResponse, so writes go through
 * `res.write` (HTTP/2 frames data itself; there is no chunked encoding and no
 * socket of our own to write to) and the backpressure figure is the stream's.
 *
 * Once the headers are out, frames go straight to the socket, already framed
 * for chunked encoding: one `socket.write` per chunk instead of
 * ServerResponse's cork, four-buffer writev and uncork on the next tick. If
 * something wrapped `res.write` (a middleware), writes go through it instead.
 */
export class NodeConnection implements Connection {
  readonly #res: ServerResponse;
  readonly #socket: Socket | null;
  readonly #chunked: boolean;
  /** HTTP/2 (compatibility response): see {@link NodeConnection.onDrain}. */
  readonly #http2: boolean;
  #flushWaiters: (() => void)[] | undefined;
  /**
   * Write callback on HTTP/2: once the stream's queue is empty, wakes those waiting
   * for a flush. Made only for HTTP/2 streams: an HTTP/1.1 stream would carry the
   * closure (and the waiters array) for its whole life unused.
   */
  readonly #flushed: (() => void) | undefined;

  constructor(req: IncomingMessage, res: ServerResponse, extraHeaders: Record<string, string> = {}) {
    this.#res = res;
    this.#http2 = req.httpVersionMajor === 2;
    this.#flushed = this.#http2 ? () => this.#wakeFlushWaiters() : undefined;
    req.socket.setNoDelay(true);
    req.socket.setKeepAlive(true);
    // HTTP/1.0 has no chunked encoding: the stream then ends with the connection.
    // HTTP/2 forbids connection headers (node throws on them), and needs none.
    const connection = req.httpVersionMajor === 1 && req.httpVersionMinor === 1 ? { Connection: 'keep-alive' } : {};
    res.writeHead(200, { ...STREAM_HEADERS, ...connection, ...extraHeaders });
    res.flushHeaders();
    const direct = res.write === ServerResponse.prototype.write && res.socket !== null && res.headersSent;
    this.#socket = direct ? res.socket : null;
    this.#chunked = (res as ServerResponse & { chunkedEncoding?: boolean }).chunkedEncoding === true;
    // Only when we write to the socket ourselves: a middleware that wrapped `res.write` may still read headers.
    if (direct) releaseSentHeaders(res);
  }

  get bufferedBytes(): number {
    return this.#socket ? this.#socket.writableLength : this.#res.writableLength;
  }

  write(chunk: Buffer): void {
    if (this.#res.writableEnded || isGone(this.#res)) return;
    const socket = this.#socket;
    if (!socket) {
      if (this.#http2) this.#res.write(chunk, this.#flushed);
      else this.#res.write(chunk);
    } else if (socket.destroyed) return;
    else if (!this.#chunked) socket.write(chunk);
    else if (chunk.length <= COPY_FRAME_MAX_BYTES) socket.write(framed(chunk));
    else {
      socket.cork();
      socket.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
      socket.write(chunk);
      socket.write(CRLF);
      socket.uncork();
    }
  }

  end(): void {
    if (!this.#res.writableEnded) this.#res.end();
  }

  destroy(): void {
    this.#res.destroy();
  }

  #wakeFlushWaiters(): void {
    const waiters = this.#flushWaiters;
    if (this.#res.writableLength > 0 || waiters === undefined) return;
    this.#flushWaiters = undefined;
    for (const waiter of waiters) waiter();
  }

  onClose(listener: () => void): void {
    if (isGone(this.#res)) queueMicrotask(listener);
    // `on`, not `once`: 'close' fires once, and once's wrapper costs ~150 bytes per idle stream.
    else this.#res.on('close', listener);
  }

  /**
   * On HTTP/2, data waits in the stream's queue until nghttp2 takes it (a tick
   * later, or once the client's flow-control window opens) even below the
   * high-water mark, and 'drain' comes only after a write that was refused: a
   * snapshot or replay waiting for the queue to empty would wait forever. There
   * the last write's callback tells when the queue is empty.
   */
  onDrain(listener: () => void): void {
    if (this.#http2) {
      let called = false;
      const done = () => {
        if (called) return;
        called = true;
        this.#res.off('close', done);
        listener();
      };
      this.#flushWaiters ??= [];
      this.#flushWaiters.push(done);
      this.#res.on('close', done);
      if (this.#res.writableLength === 0) queueMicrotask(() => this.#wakeFlushWaiters());
      return;
    }
    const target = this.#socket ?? this.#res;
    const done = () => {
      target.off('drain', done);
      this.#res.off('close', done);
      listener();
    };
    target.on('drain', done);
    this.#res.on('close', done);
  }
}
