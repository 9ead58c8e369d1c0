import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../auth/principal.js';
import { NodeConnection } from '../http/node-connection.js';
import type { Hub } from '../hub/hub.js';
import { openLiveQuery } from '../hub/live-query.js';
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
 * every change of the collection after that position (see {@link openLiveQuery}).
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
  await openLiveQuery(hub, () => new NodeConnection(req, res), principal, {
    request: {
      topics: [collectionTopic(live.collection)],
      scope,
      clientAddress: live.clientAddress,
      kind: 'live',
      lastEventId: live.lastEventId,
    },
    maxSnapshotBytes: collections.limits.maxSnapshotBytes,
    readSnapshot: async () => {
      const snapshot = await collections.snapshot(live.collection, live.where, principal);
      return { records: snapshot.records, position: snapshot.position };
    },
  });
}
