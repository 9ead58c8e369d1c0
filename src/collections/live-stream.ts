import type { IncomingMessage, ServerResponse } from 'node:http';
import { NodeConnection } from '../http/node-connection.js';
import type { Hub } from '../hub/hub.js';
import { encodeMessageBytes } from '../protocol/encoder.js';
import type { WhereFilter } from './collection-record.js';
import type { Collections } from './collections.js';
import { collectionTopic } from './names.js';
import { sendSnapshotFrame } from './snapshot-sender.js';

/** The SSE event type of the first frame of a live stream. */
export const SNAPSHOT_EVENT = 'snapshot';

/** How many times a snapshot is retaken if retention trimmed past it before the stream subscribed. */
const SNAPSHOT_ATTEMPTS = 3;

export interface LiveRequest {
  collection: string;
  where: WhereFilter;
  /** From `Last-Event-ID` or `lastEventId`; empty for a fresh client. */
  lastEventId: string | undefined;
}

/**
 * `GET /collections/:name/live`: a `snapshot` event (every matching record, with
 * the log position it was read at as its id), then every change of the
 * collection after that position, through the hub's ordinary subscription.
 * A client resuming from an id the log still holds gets only the missed
 * changes; any other id gets a fresh snapshot, never a bare `reset`.
 *
 * Changes are not filtered by `where` on the server (the shared fan-out stays
 * one encoded chunk per topic); clients apply the filter to each change.
 */
export async function openLiveStream(
  hub: Hub,
  collections: Collections,
  req: IncomingMessage,
  res: ServerResponse,
  live: LiveRequest,
): Promise<void> {
  const topics = [collectionTopic(live.collection)];
  hub.checkSubscription({ topics }); // errors answer as JSON before the stream starts
  const lastEventId = live.lastEventId || undefined;
  if (lastEventId !== undefined && (await hub.resumeProblem(lastEventId)) === undefined) {
    await hub.subscribe(new NodeConnection(req, res), { topics, lastEventId });
    return;
  }
  // Reserved before reading, at the most a snapshot may hold, then trimmed to its frame:
  // reading and encoding count against the hub's unsent budget too, and a refused
  // request costs nothing. Before the headers, so HUB_BUSY answers as a JSON 503.
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
    await hub.subscribe(connection, { topics, lastEventId: snapshot.position });
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
