import type { EventInput } from '../log/event-log.js';
import { MAX_TOPIC_LENGTH } from '../protocol/topic.js';
import { RESET_EVENT } from '../protocol/wire.js';
import type { RowChange } from './change-source.js';

/** Topics under this root carry captured database changes; publishers cannot forge them. */
export const CAPTURE_ROOT = 'db';

/** `public.orders` is `orders` in topics; other schemas keep their prefix (`sales.orders`). */
export function tableTopicName(table: string): string {
  return table.startsWith('public.') ? table.slice('public.'.length) : table;
}

/** The key as one topic segment: values percent-encoded and joined by commas (column order of the key). */
export function keySegment(key: Record<string, unknown>): string {
  return Object.values(key)
    .map((v) => encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v)).replace(/\*/g, '%2A'))
    .join(',');
}

/**
 * Which source transaction a change belongs to: its id and its commit position
 * (for PostgreSQL the xid and the commit LSN). A consistent snapshot decides
 * from these whether it already holds the change (consistent-snapshot.ts).
 */
export interface TransactionStamp {
  xid: number;
  lsn: string;
}

/** The data of a captured change event, as stored (docs/postgres.md). */
export interface CapturedChange extends RowChange, Partial<TransactionStamp> {}

/**
 * The event of one row change: on `db/<table>` and `db/<table>/<key>`, type
 * `insert`/`update`/`delete`, data `{table, op, key, row, old?, unchanged?, xid, lsn}`.
 */
export function changeEvent(change: RowChange, stamp?: TransactionStamp): EventInput {
  const tableTopic = `${CAPTURE_ROOT}/${tableTopicName(change.table)}`;
  const rowTopic = `${tableTopic}/${keySegment(change.key)}`;
  const data: Record<string, unknown> = { table: change.table, op: change.op, key: change.key, row: change.row };
  if (change.old !== undefined) data.old = change.old;
  if (change.unchanged !== undefined && change.unchanged.length > 0) data.unchanged = change.unchanged;
  if (stamp) {
    data.xid = stamp.xid;
    data.lsn = stamp.lsn;
  }
  return {
    // A key too long for a topic still reaches table subscribers.
    topics: rowTopic.length <= MAX_TOPIC_LENGTH ? [tableTopic, rowTopic] : [tableTopic],
    type: change.op,
    data: JSON.stringify(data),
  };
}

/** The `reset` written into the log when the source lost history: readers of these tables must refetch. */
export function sourceLostEvent(tables: readonly string[], why: string): EventInput {
  return sourceLostReset(
    tables.map((t) => `${CAPTURE_ROOT}/${tableTopicName(t)}`),
    why,
  );
}

/** The same `reset` on any topics fed by capture (such as the collections' topics). */
export function sourceLostReset(topics: readonly string[], why: string): EventInput {
  return { topics, type: RESET_EVENT, data: JSON.stringify({ reason: 'source-lost', lastEventId: null, detail: why }) };
}

/** The change carried by a stored `db/...` event, or undefined for anything else (a `reset`). */
export function parseCapturedChange(type: string | undefined, data: string): CapturedChange | undefined {
  if (type !== 'insert' && type !== 'update' && type !== 'delete') return undefined;
  try {
    const change = JSON.parse(data) as CapturedChange;
    return typeof change?.table === 'string' && typeof change.key === 'object' && change.key !== null
      ? change
      : undefined;
  } catch {
    return undefined;
  }
}
