import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../auth/principal.js';
import { readConsistent } from '../capture/consistent-read.js';
import type { CaptureProgress, SnapshotReader } from '../capture/consistent-snapshot.js';
import type { TableAccess } from '../capture/table-access.js';
import type { WhereFilter } from '../collections/collection-record.js';
import { SseHubError } from '../errors.js';
import { NodeConnection } from '../http/node-connection.js';
import type { Hub } from '../hub/hub.js';
import { openLiveQuery } from '../hub/live-query.js';
import { formatEventId } from '../log/event-id.js';
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
 * they reflect as its id), then every change after that position, exactly like a
 * live collection's stream ({@link openLiveQuery}). The snapshot is read from
 * PostgreSQL and tied to the log by {@link readConsistent}.
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
  const visible = visibility(deps.access, principal, live.table, live.where);
  await openLiveQuery(hub, () => new NodeConnection(req, res), principal, {
    request: {
      topics: [live.topic],
      scope,
      clientAddress: live.clientAddress,
      kind: 'live',
      lastEventId: live.lastEventId,
    },
    maxSnapshotBytes: deps.maxSnapshotBytes,
    readSnapshot: async () => {
      const read = await readConsistent(hub.log, deps.reader, deps.progress, live.table, {
        keep: (row) => !visible || visible(row, true),
        maxRows: deps.maxSnapshotRows,
        timeoutMs: deps.captureWaitMs,
      });
      const records = [...read.rows].map(([id, data]) => ({ id, data }));
      return { records, position: formatEventId(read.position.epoch, read.position.head) };
    },
    checkFrame: (bytes) => {
      if (bytes > deps.maxSnapshotBytes) {
        throw new SseHubError(
          'SNAPSHOT_TOO_LARGE',
          `The snapshot of ${live.table} is ${bytes} bytes; the limit is ${deps.maxSnapshotBytes}. Narrow it with where.<column>=<value>`,
        );
      }
    },
  });
}
