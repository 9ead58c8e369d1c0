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
 * The node:http adapter of the {@link Connection} port. Works for plain
 * node:http, Express and Fastify (through `reply.raw`), which all hand us the
 * same ServerResponse.
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

  constructor(req: IncomingMessage, res: ServerResponse, extraHeaders: Record<string, string> = {}) {
    this.#res = res;
    req.socket.setNoDelay(true);
    req.socket.setKeepAlive(true);
    // HTTP/1.0 has no chunked encoding: the stream then ends with the connection.
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
    if (this.#res.destroyed || this.#res.writableEnded) return;
    const socket = this.#socket;
    if (!socket) this.#res.write(chunk);
    else if (socket.destroyed) return;
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

  onClose(listener: () => void): void {
    if (this.#res.closed || this.#res.destroyed) queueMicrotask(listener);
    // `on`, not `once`: 'close' fires once, and once's wrapper costs ~150 bytes per idle stream.
    else this.#res.on('close', listener);
  }

  onDrain(listener: () => void): void {
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
