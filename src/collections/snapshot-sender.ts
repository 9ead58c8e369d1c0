import type { IncomingMessage, ServerResponse } from 'node:http';
import { NodeConnection } from '../http/node-connection.js';
import type { Connection } from '../hub/connection.js';
import type { Hub } from '../hub/hub.js';
import { SNAPSHOT_EVENT } from '../protocol/control-events.js';
import { encodeMessageBytes } from '../protocol/encoder.js';
import type { WhereFilter } from './collection-record.js';
import type { Collections } from './collections.js';

/** How many times a snapshot is retaken if retention trimmed past it before the stream subscribed. */
const SNAPSHOT_ATTEMPTS = 3;

/** Bytes handed to the socket at a time. */
const SLICE_BYTES = 64 * 1024;

/**
 * How long a snapshot waits for the socket to flush its queue (at most
 * `maxBufferBytes`, 1 MiB by default: a client slower than ~35 KB/s is
 * dropped and resumes later). A client that opens a live query and stops
 * reading holds its snapshot (and its share of the hub's unsent budget) at most
 * this long.
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

/**
 * The snapshot half of a live stream: reads the snapshot, sends it as the
 * socket drains, then subscribes the stream to the changes after it.
 *
 * The snapshot's memory counts against the hub's unsent budget: reserved before
 * reading at the most a snapshot may hold (so reading and encoding count too,
 * and a refused request costs nothing), trimmed to its frame once encoded, and
 * returned once the frame has left. Reserved before the headers, so HUB_BUSY
 * answers as a JSON 503.
 */
export async function streamSnapshot(
  hub: Hub,
  collections: Collections,
  req: IncomingMessage,
  res: ServerResponse,
  live: { collection: string; where: WhereFilter; topics: string[] },
): Promise<void> {
  const lease = hub.unsent.reserve(Math.min(collections.limits.maxSnapshotBytes, hub.unsent.limit));
  try {
    let snapshot = await collections.snapshot(live.collection, live.where);
    let frame = snapshotFrame(snapshot);
    lease.resize(frame.length);
    const connection = new NodeConnection(req, res);
    const open = () => !res.destroyed && !res.writableEnded;
    for (let attempt = 1; ; attempt++) {
      // Sent as the socket drains, so live events start only after the snapshot is out.
      if (!(await sendSnapshotFrame(connection, frame, hub.settings.maxBufferBytes, open))) return;
      // Only microtasks run from this check to the subscription's own, so retention cannot cut in between.
      if ((await hub.resumeProblem(snapshot.position)) === undefined) break;
      if (attempt === SNAPSHOT_ATTEMPTS) {
        connection.end(); // the client reconnects and starts over
        return;
      }
      snapshot = await collections.snapshot(live.collection, live.where);
      frame = snapshotFrame(snapshot);
      lease.resize(frame.length);
    }
    lease.release();
    await hub.subscribe(connection, { topics: live.topics, lastEventId: snapshot.position });
  } finally {
    lease.release();
  }
}

function snapshotFrame(snapshot: { records: unknown; position: string }): Buffer {
  return encodeMessageBytes({
    id: snapshot.position,
    event: SNAPSHOT_EVENT,
    data: JSON.stringify({ records: snapshot.records, position: snapshot.position }),
  });
}
