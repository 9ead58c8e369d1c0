import type { ServerResponse } from 'node:http';
import { constants } from 'node:http2';

/**
 * An answer given before the request body was read (413, 415, 404, a bad header...)
 * must not leave the hub reading that body: on a keep-alive connection node:http
 * would otherwise drain it to reach the next request, so a client declaring
 * gigabytes keeps the hub busy receiving them. Such answers carry
 * `Connection: close`, and node:http then closes the socket once the answer is
 * flushed instead of reading on.
 *
 * HTTP/2 forbids `Connection` and shares the connection among streams: there
 * the one stream is reset with NO_ERROR once the answer is out, which RFC 9113
 * §8.1 provides for exactly this (a complete response before the whole
 * request); its unread body stays unread, bounded by the stream's window.
 *
 * Returns the headers to add to the answer (none when the body was read, or
 * there was none).
 */
export function closeIfBodyUnread(res: ServerResponse): Record<string, string> {
  const req = res.req as ServerResponse['req'] | undefined;
  if (!req || req.complete) return {};
  // Stop reading now; node would otherwise resume the body to discard it.
  req.pause();
  const stream = (res as ServerResponse & { stream?: Http2StreamLike }).stream;
  if (req.httpVersionMajor !== 2 || !stream) return { Connection: 'close' };
  stream.once('finish', () => {
    stream.close(constants.NGHTTP2_NO_ERROR);
    // The paused body would otherwise hold the stream object open until the session ends.
    stream.destroy();
  });
  return {};
}

interface Http2StreamLike {
  once(event: 'finish', listener: () => void): unknown;
  close(code: number): void;
  destroy(): void;
}
