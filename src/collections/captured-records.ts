import type { EventInput } from '../log/event-log.js';
import { changeEventInput } from './change-event.js';
import type { CollectionRecord, RecordData } from './collection-record.js';

/**
 * A row change of the PostgreSQL records table as change capture delivers it
 * (the shape of capture's RowChange; declared here so collections need not
 * import capture: composition connects the two).
 */
export interface CapturedRow {
  op: 'insert' | 'update' | 'delete';
  row: Record<string, unknown> | null;
  old?: Record<string, unknown> | undefined;
}

/**
 * The collection change event of one captured row change of the records table
 * (postgres-collection-store.ts): the same event the SQLite store appends in its
 * write transaction. The table has REPLICA IDENTITY FULL, so updates and
 * deletes carry the whole old row: the `previous` of an update, the last state
 * of a deleted record, and the data of an update that left a TOASTed `data`
 * unchanged (PostgreSQL does not resend it in the new row).
 */
export function capturedRecordEvent(change: CapturedRow): EventInput | undefined {
  const old = change.old && change.old.collection !== undefined ? change.old : undefined;
  const row = change.row ?? old;
  if (!row) return undefined;
  const collection = String(row.collection);
  const record = toRecord(row, old);
  if (change.op === 'update') {
    return changeEventInput('update', collection, record, old && toRecord(old, undefined));
  }
  return changeEventInput(change.op, collection, record);
}

function toRecord(row: Record<string, unknown>, old: Record<string, unknown> | undefined): CollectionRecord {
  return {
    id: String(row.id),
    data: (row.data === undefined ? old?.data : row.data) as RecordData,
    version: Number(row.version),
    // bigint columns arrive as strings (no precision lost in general); these are epoch milliseconds.
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
