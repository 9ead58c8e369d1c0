import type { Connection } from '../hub/connection.js';

/** Bytes handed to the socket at a time. */
const SLICE_BYTES = 64 * 1024;

/**
 * How long a snapshot may wait for the socket to take anything. A client that
 * opens a live query and stops reading holds its snapshot (and its share of the
 * hub's unsent budget) at most this long.
 */
export const SNAPSHOT_STALL_MS = 30_000;

/**
 * Writes a snapshot frame as the socket drains, in slices, never queueing more
 * than `maxBufferBytes` in the socket: a large snapshot counts against the
 * connection's bound like any other data instead of being handed over whole.
 * Resolves true once everything is flushed; false if the connection closed or
 * stalled for {@link SNAPSHOT_STALL_MS} (then it is destroyed).
 */
export async function sendSnapshotFrame(
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
    connection.write(Buffer.from(frame.subarray(offset, end)));
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
    }, SNAPSHOT_STALL_MS);
    connection.onDrain(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
