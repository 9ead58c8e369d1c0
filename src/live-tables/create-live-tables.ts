import type { Logger } from 'pino';
import type { PostgresCaptureConfig } from '../capture/capture-options.js';
import { qualifiedTable } from '../capture/capture-options.js';
import type { CaptureProgress } from '../capture/consistent-snapshot.js';
import { PostgresSnapshotReader } from '../capture/postgres/postgres-snapshot-reader.js';
import { TableAccess } from '../capture/table-access.js';
import { DEFAULT_MAX_SNAPSHOT_BYTES, DEFAULT_MAX_SNAPSHOT_RECORDS } from '../collections/collections.js';
import type { HttpRoute } from '../http/handler.js';
import type { Hub } from '../hub/hub.js';
import { liveTableRoutes } from './live-table-routes.js';
import { tableViews } from './table-views.js';

/** How long a live-table snapshot waits for capture to catch up with it before answering CAPTURE_UNAVAILABLE. */
const CAPTURE_WAIT_MS = 10_000;

/**
 * The read rules of captured tables, compiled from the config (INVALID_CONFIG
 * names the table and the rule's position). Built before capture starts: tables
 * with rules must have REPLICA IDENTITY FULL, which capture checks at start.
 */
export function tableAccessFor(config: PostgresCaptureConfig, logger: Logger): TableAccess {
  // A rule that fails at run time denies; logged once per rule so a broken rule is seen.
  const access = new TableAccess((table) => (action, source, err) => {
    logger.warn(
      { table, action, rule: source, err: err.message },
      'a captured table rule failed while evaluating; treated as deny (logged once per rule)',
    );
  });
  for (const [table, settings] of Object.entries(config.tables)) {
    if (settings.rules !== undefined) access.configure(qualifiedTable(table), settings.rules);
  }
  return access;
}

export interface LiveTablesOptions {
  /** The captured database (snapshots are read there). */
  url: string;
  /** The tables served as live tables (`schema.table`, captured). */
  tables: readonly string[];
  access: TableAccess;
  progress: CaptureProgress;
  /** Bounds of snapshots (the collections' limits; defaults 10,000 rows, 32 MiB). */
  maxSnapshotRows?: number | undefined;
  maxSnapshotBytes?: number | undefined;
}

/**
 * Live tables over the captured tables: `/db/<table>/live` and the views that
 * apply read rules to every stream of `db/...` topics (plugged into the hub here).
 */
export function createLiveTables(hub: Hub, options: LiveTablesOptions): { route: HttpRoute; close(): Promise<void> } {
  const reader = new PostgresSnapshotReader(options.url);
  // biome-ignore lint/correctness/useHookAtTopLevel: Hub.useViews is a plain method, not a React hook
  hub.useViews(tableViews(options.access));
  const route = liveTableRoutes(hub, options.tables, {
    reader,
    progress: options.progress,
    access: options.access,
    maxSnapshotRows: options.maxSnapshotRows ?? DEFAULT_MAX_SNAPSHOT_RECORDS,
    maxSnapshotBytes: options.maxSnapshotBytes ?? DEFAULT_MAX_SNAPSHOT_BYTES,
    captureWaitMs: CAPTURE_WAIT_MS,
  });
  return { route, close: () => reader.close() };
}
