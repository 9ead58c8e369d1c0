// @ts-nocheck
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../auth/principal.js';
import { NodeConnection } from '../http/node-connection.js';
import type { Hub } from '../hub/hub.js';
import { encodeMessageBytes } from '../protocol/encoder.js';
import { SNAPSHOT_EVENT } from '../protocol/wire.js';
import type { WhereFilter } from './collection-record.js';
import type { Collections } from './collections.js';
import { collectionTopic } from './names.js';

export { SNAPSHOT_EVENT };

export interface LiveRequest {
  collection: string;
  where: WhereFilter;
  /** From `Last-Event-ID` or `lastEventId`; empty for a fresh client. */
  lastEventId: string | undefined;
  clientAddress?: string | undefined;
}

/** The scope a live query hands to admission: the collections' view provider reads it. */
export interface LiveScope {
  readonly collection: string;
  readonly where: WhereFilter;
}

/**
 * `GET /collections/:name/live`: a `snapshot` event (every matching record the
 * principal may read, with the log position it was read at as its id), then
 * every change of the collection after that position, through the hub's
 * ordinary admission and fan-out. A client resuming from an id the log still
 * holds gets only the missed changes; any other id gets a fresh snapshot.
 *
 * The snapshot's memory counts against the hub's unsent budget: reserved before
 * reading at the most a snapshot may hold (so a refused request costs nothing
 * and HUB_BUSY still answers as JSON), trimmed to its frame once encoded, and
 * returned once the frame has left.
 */
export async function openLiveStream(
  hub: Hub,
  collections: Collections,
  req: IncomingMessage,
  res: ServerResponse,
  live: LiveRequest,
  principal: Principal,
): Promise<void> {
  // A collection the principal has no read rule for is refused outright, before any stream starts.
  collections.access.assertMayAttempt(principal, 'read', live.collection);
  const scope: LiveScope = { collection: live.collection, where: live.where };
  const request = { topics: [collectionTopic(live.collection)], scope, clientAddress: live.clientAddress };
  const lastEventId = live.lastEventId || undefined;
  if (lastEventId !== undefined && (await hub.resumeProblem(lastEventId)) === undefined) {
    const ticket = hub.admit(principal, { ...request, lastEventId });
    await hub.startStream(ticket, new NodeConnection(req, res));
    return;
  }
  const ticket = hub.admit(principal, request);
  let lease: ReturnType<Hub['unsent']['reserve']> | undefined;
  try {
    lease = hub.unsent.reserve(Math.min(collections.limits.maxSnapshotBytes, hub.unsent.limit));
    // Taken before the headers: SNAPSHOT_TOO_LARGE still answers as a JSON error.
    const snapshot = await collections.snapshot(live.collection, live.where, principal);
    const frame = encodeMessageBytes({
      id: snapshot.position,
      event: SNAPSHOT_EVENT,
      data: JSON.stringify({ records: snapshot.records, position: snapshot.position }),
    });
    lease.resize(frame.length);
    // The snapshot is the stream's prelude, sent in slices within the connection's bound; the
    // changes after its position follow with no gap (a position trimmed meanwhile gets a reset).
    await hub.startStream(ticket, new NodeConnection(req, res), { from: snapshot.position, prelude: [frame] });
  } catch (err) {
    ticket.cancel(); // a no-op once the stream started
    throw err;
  } finally {
    lease?.release();
  }
}
