import { SseHubError } from '../errors.js';
import type { EventLog, LogPosition } from '../log/event-log.js';
import { RESET_EVENT } from '../protocol/wire.js';
import { CAPTURE_ROOT, type CapturedChange, keySegment, parseCapturedChange, tableTopicName } from './change-events.js';
import type { CaptureProgress, Row, SnapshotReader, SnapshotReadOptions } from './consistent-snapshot.js';

/** A table's rows exactly as of a log position: the stream after it continues with no gap and no duplicate. */
export interface ConsistentRows {
  /** Key segment (the row's id in `db/<table>/<key>`) → row. */
  rows: Map<string, Row>;
  keyColumns: readonly string[];
  /** The log position the rows reflect: every change event up to it is in them, none after. */
  position: LogPosition;
}

export interface ConsistentReadOptions extends SnapshotReadOptions {
  /** How long to wait for capture to store the snapshot's horizon (CAPTURE_UNAVAILABLE after). */
  timeoutMs: number;
}

/** Snapshots retried when a `reset` of the table, a trim or a new log epoch lands while one is read. */
const ATTEMPTS = 3;
const PAGE = 1_000;

/**
 * Reads `table` from the database and ties it to a position of the hub's log:
 *
 * 1. `P`, the log head, is read *before* the snapshot: capture appends a
 *    transaction only once new snapshots see it, so every transaction the
 *    snapshot lacks comes after `P`;
 * 2. the snapshot is read (rows, which transactions it holds, and its horizon);
 * 3. once capture has stored everything committed before the horizon, `H`, the
 *    log head, is read: every transaction the snapshot holds is at or before `H`;
 * 4. the change events between `P` and `H` that the snapshot does not hold are
 *    applied to its rows, in log order.
 *
 * The rows are then exactly the table as of `H`, so a stream started after `H`
 * (by the hub's ordinary resume) needs no filter, and a client resuming from any
 * later id gets the ordinary resume: the same guarantee as a live collection.
 */
export async function readConsistent(
  log: EventLog,
  reader: SnapshotReader,
  progress: CaptureProgress,
  table: string,
  options: ConsistentReadOptions,
): Promise<ConsistentRows> {
  for (let attempt = 1; ; attempt++) {
    const before = await log.position();
    const snapshot = await reader.read(table, options);
    await progress.waitStored(snapshot.horizon, options.timeoutMs);
    const after = await log.position();
    const rows = new Map<string, Row>();
    for (const row of snapshot.rows) rows.set(keySegment(pick(row, snapshot.keyColumns)), row);
    const complete =
      after.epoch === before.epoch &&
      after.trimmedThrough <= before.head &&
      (await applyChanges(log, table, before.head, after.head, rows, snapshot.keyColumns, (change) =>
        change.xid !== undefined && change.lsn !== undefined
          ? snapshot.includes({ xid: change.xid, lsn: change.lsn })
          : false,
      ));
    if (complete) {
      for (const [key, row] of rows) if (!options.keep(row)) rows.delete(key);
      return { rows, keyColumns: snapshot.keyColumns, position: after };
    }
    if (attempt >= ATTEMPTS) {
      throw new SseHubError(
        'CAPTURE_UNAVAILABLE',
        `The change log of ${table} was reset while its snapshot was read (${ATTEMPTS} times); retry later`,
      );
    }
  }
}

/** Applies the changes of `table` in (from, to]; false when a `reset` of the table lies between (read again). */
async function applyChanges(
  log: EventLog,
  table: string,
  from: number,
  to: number,
  rows: Map<string, Row>,
  keyColumns: readonly string[],
  held: (change: CapturedChange) => boolean,
): Promise<boolean> {
  const topic = `${CAPTURE_ROOT}/${tableTopicName(table)}`;
  let cursor = from;
  while (cursor < to) {
    const page = await log.readAfter(cursor, PAGE);
    if (page.length === 0) break;
    for (const event of page) {
      if (event.seq > to) return true;
      cursor = event.seq;
      if (!event.topics.includes(topic)) continue;
      if (event.type === RESET_EVENT) return false;
      const change = parseCapturedChange(event.type, event.data);
      if (!change || change.table !== table || held(change)) continue;
      applyChange(rows, keyColumns, change);
    }
  }
  return true;
}

/** One change applied to rows keyed by key segment. */
export function applyChange(rows: Map<string, Row>, keyColumns: readonly string[], change: CapturedChange): void {
  const key = keySegment(change.key);
  if (change.op === 'delete' || change.row === null) {
    rows.delete(key);
    return;
  }
  let previous = rows.get(key);
  if (change.op === 'update' && change.old) {
    // An update that changed the key: the row moves.
    const oldKey = keySegment(pick(change.old, keyColumns));
    if (oldKey !== key) {
      previous = rows.get(oldKey);
      rows.delete(oldKey);
    }
  }
  // Unchanged large (TOASTed) values are not resent: keep the ones the row had.
  rows.set(key, change.unchanged && previous ? { ...previous, ...change.row } : change.row);
}

function pick(row: Row, columns: readonly string[]): Row {
  const key: Row = {};
  for (const column of columns) key[column] = row[column];
  return key;
}
