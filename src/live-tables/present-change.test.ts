import { describe, expect, it } from 'vitest';
import type { CapturedChange } from '../capture/change-events.js';
import { showChange } from './present-change.js';

const mine = (row: Record<string, unknown>) => row.owner === 'ann';
const change = (c: Partial<CapturedChange>): CapturedChange => ({
  table: 'public.t',
  op: 'update',
  key: { id: 1 },
  row: null,
  ...c,
});

describe('a captured change as one reader sees it', () => {
  it('turns an update into or out of view into an insert or a delete of the row as it was', () => {
    const into = showChange(change({ row: { id: 1, owner: 'ann' }, old: { id: 1, owner: 'bob' } }), mine);
    expect(into).toMatchObject({ op: 'insert', row: { owner: 'ann' }, rewritten: true });
    const out = showChange(change({ row: { id: 1, owner: 'bob' }, old: { id: 1, owner: 'ann' } }), mine);
    expect(out).toMatchObject({ op: 'delete', row: { owner: 'ann' }, key: { id: 1 } });
    expect(showChange(change({ row: { id: 1, owner: 'bob' }, old: { id: 1, owner: 'cy' } }), mine)).toBeUndefined();
    expect(showChange(change({ row: { id: 1, owner: 'ann' }, old: { id: 1, owner: 'ann' } }), mine)?.op).toBe('update');
  });

  it('hides inserts and deletes of rows the reader may not see', () => {
    expect(showChange(change({ op: 'insert', row: { id: 2, owner: 'bob' } }), mine)).toBeUndefined();
    expect(showChange(change({ op: 'delete', old: { id: 2, owner: 'bob' } }), mine)).toBeUndefined();
    expect(showChange(change({ op: 'delete', old: { id: 2, owner: 'ann' } }), mine)?.op).toBe('delete');
  });

  it('assumes a reader may have had a row whose old value is unknown', () => {
    // No old row (default replica identity): leaving the view is a delete of the key.
    const left = showChange(change({ row: { id: 1, owner: 'bob' } }), mine);
    expect(left).toMatchObject({ op: 'delete', key: { id: 1 } });
    // A key-only old row cannot decide a `where` on another column: the delete is shown.
    const where = (row: Record<string, unknown>, complete: boolean) =>
      Object.hasOwn(row, 'owner') ? row.owner === 'ann' : !complete;
    expect(showChange(change({ op: 'delete', old: { id: 1 } }), where)?.op).toBe('delete');
  });

  it('moves a row whose key changed: leaving the view deletes the old key', () => {
    const moved = change({ key: { id: 2 }, row: { id: 2, owner: 'bob' }, old: { id: 1, owner: 'ann' } });
    expect(showChange(moved, mine)).toMatchObject({ op: 'delete', key: { id: 1 } });
  });
});
