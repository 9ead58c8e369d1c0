import type { CapturedChange } from '../capture/change-events.js';
import type { Row } from '../capture/consistent-snapshot.js';

/** A captured change as one reader sees it. */
export interface ShownChange {
  op: 'insert' | 'update' | 'delete';
  /** The row after the change (insert, update), or as last visible (delete). */
  row: Row;
  /** The key of the row as the reader last had it (differs from the change's key when an update moved it). */
  key: Row;
  /** False when the op is the change's own; true when visibility turned it into an insert or a delete. */
  rewritten: boolean;
}

/**
 * Whether a reader sees a row: `complete` is false when the row may lack columns
 * (only the key of an old row, or an update that left large unchanged values out),
 * so a test on a missing column cannot be decided from it.
 */
export type RowVisibility = (row: Row, complete: boolean) => boolean;

/**
 * A change through a visibility test (read rule ∧ `where`): visible before and
 * after, unchanged; only after, an `insert`; only before, a `delete` of the row as
 * it was; neither, hidden. Without an old row (an update under the default
 * replica identity) the reader may have had the row, so an update leaving the
 * view is shown as a delete. Read rules require REPLICA IDENTITY FULL, so they
 * always see the whole old row.
 */
export function showChange(change: CapturedChange, visible: RowVisibility | undefined): ShownChange | undefined {
  const after = change.row;
  const old = change.old;
  const oldKey = old ? pick(old, Object.keys(change.key)) : change.key;
  switch (change.op) {
    case 'insert':
      return after && (!visible || visible(after, true))
        ? { op: 'insert', row: after, key: change.key, rewritten: false }
        : undefined;
    case 'delete': {
      const last = old ?? change.key;
      return !visible || visible(last, isWholeRow(change))
        ? { op: 'delete', row: last, key: change.key, rewritten: false }
        : undefined;
    }
    case 'update': {
      if (!after) return undefined;
      if (!visible) return { op: 'update', row: after, key: change.key, rewritten: false };
      const now = visible(after, !change.unchanged?.length);
      const was = old === undefined ? true : visible(old, isWholeRow(change));
      if (now && was) return { op: 'update', row: after, key: change.key, rewritten: false };
      if (now) return { op: 'insert', row: after, key: change.key, rewritten: true };
      if (was) return { op: 'delete', row: old ?? oldKey, key: oldKey, rewritten: true };
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Whether the change's old row is all of it (REPLICA IDENTITY FULL), not only its key. */
function isWholeRow(change: CapturedChange): boolean {
  const old = change.old;
  if (!old) return false;
  if (change.row) return Object.keys(change.row).every((column) => Object.hasOwn(old, column));
  return Object.keys(old).length > Object.keys(change.key).length;
}

function pick(row: Row, columns: readonly string[]): Row {
  const key: Row = {};
  for (const column of columns) key[column] = row[column];
  return key;
}
