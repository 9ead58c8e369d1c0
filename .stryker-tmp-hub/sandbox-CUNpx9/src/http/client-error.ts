// @ts-nocheck
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { SseHubError } from '../errors.js';
import { SECURITY_HEADERS } from './security-headers.js';

/**
 * Answers requests node:http's parser rejects before the hub sees them
 * (a malformed header, a URL or headers over the size limit, a request that took
 * too long) the way the hub answers every other error: JSON with a code, instead
 * of node's empty-bodied 400/431. Attach it with `server.on('clientError', ...)`;
 * `serve()` does, and an embedding server can.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  // A response already started on this socket (pipelining) cannot be followed by another.
  const started = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (err.code === 'ECONNRESET' || !socket.writable || started) {
    socket.destroy();
    return;
  }
  const error = toClientError(err);
  const body = JSON.stringify(error.toJSON());
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    Connection: 'close',
    ...SECURITY_HEADERS,
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}\r\n${head}\r\n${body}`);
}

function toClientError(err: NodeJS.ErrnoException): SseHubError {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new SseHubError('HEADERS_TOO_LARGE', 'The request line or headers are over the size limit (16 KiB)');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new SseHubError('REQUEST_TIMEOUT', 'The request was not received in time');
    default:
      return new SseHubError('BAD_REQUEST', `The request is not valid HTTP (${err.code ?? 'parse error'})`);
  }
}
