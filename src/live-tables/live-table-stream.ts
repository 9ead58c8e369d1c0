import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../auth/principal.js';
import { readConsistent } from '../capture/consistent-read.js';
import type { CaptureProgress, SnapshotReader } from '../capture/consistent-snapshot.js';
import type { TableAccess } from '../capture/table-access.js';
import type { WhereFilter } from '../collections/collection-record.js';
import { SseHubError } from '../errors.js';
import { NodeConnection } from '../http/node-connection.js';
import type { Hub } from '../hub/hub.js';
import { formatEventId } from '../log/event-id.js';
import { encodeMessageBytes } from '../protocol/encoder.js';
import { SNAPSHOT_EVENT } from '../protocol/wire.js';
import { type LiveTableScope, visibility } from './table-views.js';

/** What a live table needs: the snapshot reader, capture's progress, the read rules and the snapshot bounds. */
export interface LiveTableDeps {
  reader: SnapshotReader;
  progress: CaptureProgress;
  access: TableAccess;
  maxSnapshotRows: number;
  maxSnapshotBytes: number;
  /** How long a snapshot waits for capture to store its horizon (CAPTURE_UNAVAILABLE after). */
  captureWaitMs: number;
}

export interface LiveTableRequest {
  /** `schema.table`. */
  table: string;
  /** `db/<table>`. */
  topic: string;
  where: WhereFilter;
  lastEventId: string | undefined;
  clientAddress?: string | undefined;
}

/**
 * `GET /db/<table>/live`: a `snapshot` event (every matching row the principal
 * may read, as records `{id: <key segment>, data: <row>}`, with the log position
 * they reflect as its id), then every change after that position, through the
 * hub's admission and fan-out, exactly like a live collection's stream. The
 * snapshot is read from PostgreSQL and tied to the log by {@link readConsistent}.
 * A client resuming from an id the log still holds gets only the missed changes;
 * any other id gets a fresh snapshot.
 */
export async function openLiveTable(
  hub: Hub,
  deps: LiveTableDeps,
  req: IncomingMessage,
  res: ServerResponse,
  live: LiveTableRequest,
  principal: Principal,
): Promise<void> {
  const scope: LiveTableScope = { liveTable: live.table, where: live.where };
  const request = { topics: [live.topic], scope, clientAddress: live.clientAddress, kind: 'live' as const };
  const lastEventId = live.lastEventId || undefined;
  if (lastEventId !== undefined && (await hub.resumeProblem(lastEventId)) === undefined) {
    const ticket = hub.admit(principal, { ...request, lastEventId });
    await hub.startStream(ticket, new NodeConnection(req, res));
    return;
  }
  const ticket = hub.admit(principal, request);
  let lease: ReturnType<Hub['unsent']['reserve']> | undefined;
  try {
    lease = hub.unsent.reserve(Math.min(deps.maxSnapshotBytes, hub.unsent.limit));
    const visible = visibility(deps.access, principal, live.table, live.where);
    const read = await readConsistent(hub.log, deps.reader, deps.progress, live.table, {
      keep: (row) => !visible || visible(row, true),
      maxRows: deps.maxSnapshotRows,
      timeoutMs: deps.captureWaitMs,
    });
    const position = formatEventId(read.position.epoch, read.position.head);
    const records = [...read.rows].map(([id, data]) => ({ id, data }));
    const frame = encodeMessageBytes({
      id: position,
      event: SNAPSHOT_EVENT,
      data: JSON.stringify({ records, position }),
    });
    if (frame.length > deps.maxSnapshotBytes) {
      throw new SseHubError(
        'SNAPSHOT_TOO_LARGE',
        `The snapshot of ${live.table} is ${frame.length} bytes; the limit is ${deps.maxSnapshotBytes}. Narrow it with where.<column>=<value>`,
      );
    }
    lease.resize(frame.length);
    await hub.startStream(ticket, new NodeConnection(req, res), { from: position, prelude: [frame] });
  } catch (err) {
    ticket.cancel(); // a no-op once the stream started
    throw err;
  } finally {
    lease?.release();
  }
}
