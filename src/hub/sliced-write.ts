import type { Connection } from './connection.js';

/** Bytes handed to the socket at a time. */
const SLICE_BYTES = 64 * 1024;

/**
 * How long a large write waits for the socket to flush its queue (at most
 * `maxBufferBytes`, 1 MiB by default: a client slower than ~35 KB/s is dropped
 * and resumes later). A client that opens a live query and stops reading holds
 * its snapshot (and its share of the hub's unsent budget) at most this long.
 */
export const STALL_MS = 30_000;

/**
 * Writes one large frame (a live query's snapshot) as the socket drains, in
 * slices, never queueing more than `maxBufferBytes`: it counts against the
 * connection's bound like any other data instead of being handed over whole.
 * Resolves true once everything is flushed; false if the connection closed or
 * stalled for {@link STALL_MS} (then it is destroyed).
 */
export async function writeSliced(
  connection: Connection,
  frame: Buffer,
  maxBufferBytes: number,
  isOpen: () => boolean,
): Promise<boolean> {
  let offset = 0;
  while (offset < frame.length) {
    if (!isOpen()) return false;
    const queued = connection.bufferedBytes;
    if (queued > 0 && queued + SLICE_BYTES > maxBufferBytes) {
      if (!(await drained(connection))) return false;
      continue;
    }
    const end = Math.min(frame.length, offset + SLICE_BYTES);
    // A copy, not a view: a view in the socket's queue would keep the whole frame alive.
    connection.write(frame.length <= SLICE_BYTES ? frame : Buffer.from(frame.subarray(offset, end)));
    offset = end;
  }
  if (connection.bufferedBytes > 0 && !(await drained(connection))) return false;
  return isOpen();
}

/** Waits for the socket to drain; false (and the connection destroyed) after a stall. */
function drained(connection: Connection): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      connection.destroy();
      resolve(false);
    }, STALL_MS);
    connection.onDrain(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
