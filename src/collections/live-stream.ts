import type { IncomingMessage, ServerResponse } from 'node:http';
import { NodeConnection } from '../http/node-connection.js';
import type { Hub } from '../hub/hub.js';
import type { WhereFilter } from './collection-record.js';
import type { Collections } from './collections.js';
import { collectionTopic } from './names.js';
import { streamSnapshot } from './snapshot-sender.js';

/** The SSE event type of the first frame of a live stream. */
export { SNAPSHOT_EVENT } from '../protocol/control-events.js';

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
  // Taken before the headers: SNAPSHOT_TOO_LARGE and HUB_BUSY still answer as JSON errors.
  await streamSnapshot(hub, collections, req, res, { ...live, topics });
}
