import type { Principal } from '../auth/principal.js';
import { encodeMessageBytes } from '../protocol/encoder.js';
import { SNAPSHOT_EVENT } from '../protocol/wire.js';
import type { StreamRequest } from './admission.js';
import type { Connection } from './connection.js';
import type { Hub } from './hub.js';

/** What a live query's snapshot holds: the records and the log position (event id) they reflect. */
export interface LiveSnapshot {
  records: unknown[];
  position: string;
}

export interface LiveQuery {
  request: StreamRequest;
  /** The most bytes a snapshot frame may take: reserved from the unsent budget before reading. */
  maxSnapshotBytes: number;
  /** Reads the snapshot; may throw (SNAPSHOT_TOO_LARGE) before anything is written. */
  readSnapshot(): Promise<LiveSnapshot>;
  /** Called when the frame is encoded: throws to refuse it (e.g. its size) before anything is written. */
  checkFrame?(bytes: number): void;
}

/**
 * A live query (collections, live tables): a client resuming from an id the log
 * still holds gets only the missed changes; any other gets a `snapshot` event,
 * whose id is its position, then the changes after it, through the hub's
 * admission and fan-out.
 *
 * The snapshot's memory counts against the hub's unsent budget: reserved before
 * reading at the most a snapshot may hold (so a refused request costs nothing
 * and HUB_BUSY still answers as JSON), trimmed to its frame once encoded, and
 * returned once the frame has left.
 */
export async function openLiveQuery(
  hub: Hub,
  connect: () => Connection,
  principal: Principal,
  query: LiveQuery,
): Promise<void> {
  const lastEventId = query.request.lastEventId || undefined;
  if (lastEventId !== undefined && (await hub.resumeProblem(lastEventId)) === undefined) {
    const ticket = hub.admit(principal, { ...query.request, lastEventId });
    await hub.startStream(ticket, connect());
    return;
  }
  const ticket = hub.admit(principal, { ...query.request, lastEventId: undefined });
  let lease: ReturnType<Hub['unsent']['reserve']> | undefined;
  try {
    lease = hub.unsent.reserve(Math.min(query.maxSnapshotBytes, hub.unsent.limit));
    // Read before the headers: SNAPSHOT_TOO_LARGE still answers as a JSON error.
    const snapshot = await query.readSnapshot();
    const frame = encodeMessageBytes({ id: snapshot.position, event: SNAPSHOT_EVENT, data: JSON.stringify(snapshot) });
    query.checkFrame?.(frame.length);
    lease.resize(frame.length);
    // The snapshot is the stream's prelude, sent in slices within the connection's bound; the
    // changes after its position follow with no gap (a position trimmed meanwhile gets a reset).
    await hub.startStream(ticket, connect(), { from: snapshot.position, prelude: [frame] });
  } catch (err) {
    ticket.cancel(); // a no-op once the stream started
    throw err;
  } finally {
    lease?.release();
  }
}
