// @ts-nocheck
import type { ServerResponse } from 'node:http';

/**
 * An answer given before the request body was read (413, 415, 404, a bad header...)
 * must not leave the hub reading that body: on a keep-alive connection node:http
 * would otherwise drain it to reach the next request, so a client declaring
 * gigabytes keeps the hub busy receiving them. Such answers carry
 * `Connection: close`, and node:http then closes the socket once the answer is
 * flushed instead of reading on.
 *
 * Returns the headers to add to the answer (none when the body was read, or
 * there was none).
 */
export function closeIfBodyUnread(res: ServerResponse): Record<string, string> {
  const req = res.req as ServerResponse['req'] | undefined;
  if (!req || req.complete) return {};
  // Stop reading now; node:http would otherwise resume the body to discard it.
  req.pause();
  return { Connection: 'close' };
}
