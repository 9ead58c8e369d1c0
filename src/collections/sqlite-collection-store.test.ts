import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { refusalOf as refusal } from '../../test/support/refusal.js';
import { tempDir } from '../../test/support/temp-dir.js';
import { SseHubError } from '../errors.js';
import { formatEventId } from '../log/event-id.js';
import { SqliteEventLog } from '../log/sqlite-log.js';
import { SqliteCollectionStore } from './sqlite-collection-store.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function storeOnLog() {
  const dir = tempDir();
  cleanup.push(() => dir.remove());
  const log = new SqliteEventLog({ file: join(dir.path, 'log.db') });
  await log.open();
  cleanup.push(() => log.close());
  return { log, store: new SqliteCollectionStore(log) };
}

const limits = { maxRecords: 100, maxBytes: 1_000_000 };

describe('SqliteCollectionStore', () => {
  it('inserts a record at version 1 with its change event, in one commit', async () => {
    const { log, store } = await storeOnLog();
    const before = Date.now();
    const { record, event } = await store.insert('tasks', { title: 'a' });
    expect(record).toMatchObject({ data: { title: 'a' }, version: 1 });
    expect(record.createdAt).toBe(record.updatedAt);
    expect(record.createdAt).toBeGreaterThanOrEqual(before);
    expect(event.topics).toEqual(['collections/tasks', `collections/tasks/${record.id}`]);
    expect(event.type).toBe('insert');
    expect(JSON.parse(event.data)).toEqual({ op: 'insert', collection: 'tasks', id: record.id, record });
    expect((await log.readAfter(0, 10)).map((e) => e.seq)).toEqual([event.seq]);
    expect(await store.get('tasks', record.id)).toEqual(record);
    expect(await store.get('tasks', 'nope')).toBeUndefined();
    expect(await store.get('other', record.id)).toBeUndefined();
  });

  it('writes nothing and appends nothing when the check refuses an insert', async () => {
    const { log, store } = await storeOnLog();
    const seen: unknown[] = [];
    await expect(
      store.insert('tasks', { title: 'x' }, (data) => {
        seen.push(data);
        throw new SseHubError('FORBIDDEN', 'no');
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(seen).toEqual([{ title: 'x' }]);
    expect((await log.position()).head).toBe(0);
    expect((await store.list('tasks', { limit: 10, where: {} })).records).toEqual([]);
  });

  it('gives ids after the largest id already stored, even from another generator', async () => {
    const { log, store } = await storeOnLog();
    const first = await store.insert('tasks', { n: 1 });
    const again = new SqliteCollectionStore(log); // a fresh generator on the same data
    const second = await again.insert('tasks', { n: 2 });
    expect(second.record.id > first.record.id).toBe(true);
  });

  it('updates a record: the next version, the change computed from the current one, previous in the event', async () => {
    const { store } = await storeOnLog();
    const { record: created } = await store.insert('tasks', { n: 1 });
    const { record, event } = await store.update('tasks', created.id, (current) => ({
      n: (current.data.n as number) + 1,
    }));
    expect(record).toMatchObject({ id: created.id, data: { n: 2 }, version: 2, createdAt: created.createdAt });
    expect(record.updatedAt).toBeGreaterThanOrEqual(created.updatedAt);
    expect(event.type).toBe('update');
    expect(JSON.parse(event.data)).toEqual({
      op: 'update',
      collection: 'tasks',
      id: created.id,
      record,
      previous: created,
    });
    expect(await store.get('tasks', created.id)).toEqual(record);
    const third = await store.update('tasks', created.id, () => ({ n: 3 }), 2);
    expect(third.record.version).toBe(3);
  });

  it('refuses a write to a missing record or at a stale version, naming both versions', async () => {
    const { log, store } = await storeOnLog();
    const { record } = await store.insert('tasks', { n: 1 });
    const missing = await refusal(() => store.update('tasks', 'nope', () => ({})));
    expect([missing.code, missing.message]).toEqual(['RECORD_NOT_FOUND', 'No record "nope" in collection "tasks"']);
    const stale = await refusal(() => store.update('tasks', record.id, () => ({}), 7));
    expect([stale.code, stale.message, stale.details]).toEqual([
      'VERSION_CONFLICT',
      `Record "${record.id}" is at version 1, not 7 (If-Match); reload it and retry`,
      { currentVersion: 1 },
    ]);
    expect((await refusal(() => store.delete('tasks', record.id, 2))).code).toBe('VERSION_CONFLICT');
    expect((await refusal(() => store.delete('tasks', 'nope'))).code).toBe('RECORD_NOT_FOUND');
    expect((await log.position()).head).toBe(1);
  });

  it('aborts an update whose change throws: nothing written, no event', async () => {
    const { log, store } = await storeOnLog();
    const { record } = await store.insert('tasks', { n: 1 });
    await expect(
      store.update('tasks', record.id, () => {
        throw new Error('invalid');
      }),
    ).rejects.toThrow('invalid');
    expect(await store.get('tasks', record.id)).toEqual(record);
    expect((await log.position()).head).toBe(1);
  });

  it('deletes a record, the event carrying its last state; a refusing check keeps it', async () => {
    const { log, store } = await storeOnLog();
    const { record } = await store.insert('tasks', { n: 1 });
    await expect(
      store.delete('tasks', record.id, undefined, (current) => {
        expect(current).toEqual(record);
        throw new SseHubError('FORBIDDEN', 'no');
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await store.get('tasks', record.id)).toEqual(record);
    const { event } = await store.delete('tasks', record.id, 1);
    expect(event.type).toBe('delete');
    expect(JSON.parse(event.data)).toEqual({ op: 'delete', collection: 'tasks', id: record.id, record });
    expect(await store.get('tasks', record.id)).toBeUndefined();
    expect((await log.position()).head).toBe(2);
  });

  it('lists in id order, a page at a time, with JSON-equality filters', async () => {
    const { store } = await storeOnLog();
    const ids: string[] = [];
    for (let n = 1; n <= 5; n++)
      ids.push((await store.insert('tasks', { n, odd: n % 2 === 1, s: String(n) })).record.id);
    await store.insert('other', { n: 1 });
    const page1 = await store.list('tasks', { limit: 2, where: {} });
    expect(page1.records.map((r) => r.id)).toEqual(ids.slice(0, 2));
    expect(page1.lastId).toBe(ids[1]);
    const page2 = await store.list('tasks', { limit: 3, afterId: page1.lastId, where: {} });
    expect(page2.records.map((r) => r.id)).toEqual(ids.slice(2));
    expect(page2.lastId).toBeUndefined(); // exactly the rest: no further page
    expect((await store.list('tasks', { limit: 5, where: {} })).lastId).toBeUndefined();
    expect((await store.list('tasks', { limit: 10, where: { odd: true } })).records.map((r) => r.data.n)).toEqual([
      1, 3, 5,
    ]);
    expect((await store.list('tasks', { limit: 10, where: { n: 3 } })).records).toHaveLength(1);
    expect((await store.list('tasks', { limit: 10, where: { n: '3' } })).records).toHaveLength(0);
    expect((await store.list('tasks', { limit: 10, where: { s: '3', odd: true } })).records).toHaveLength(1);
    expect(
      (await store.list('tasks', { limit: 10, afterId: ids[2], where: { odd: true } })).records.map((r) => r.data.n),
    ).toEqual([5]);
    await expect(store.list('tasks', { limit: 10, where: { 'bad field': 1 } })).rejects.toMatchObject({
      code: 'INVALID_QUERY',
    });
  });

  it('keeps answering correctly past 256 distinct filter shapes', async () => {
    const { store } = await storeOnLog();
    await store.insert('tasks', { f0: 1, f300: 1 });
    for (let i = 0; i < 300; i++) await store.list('tasks', { limit: 1, where: { [`f${i}`]: 1 } });
    expect((await store.list('tasks', { limit: 1, where: { f0: 1 } })).records).toHaveLength(1);
    expect((await store.list('tasks', { limit: 1, where: { f300: 1 } })).records).toHaveLength(1);
    expect((await store.list('tasks', { limit: 1, where: { f1: 1 } })).records).toHaveLength(0);
  });

  it('snapshots every matching record with the log head as position', async () => {
    const { log, store } = await storeOnLog();
    for (let n = 1; n <= 3; n++) await store.insert('tasks', { n });
    const { epoch, head } = await log.position();
    const snapshot = await store.snapshot('tasks', {}, limits);
    expect(snapshot.records.map((r) => r.data.n)).toEqual([1, 2, 3]);
    expect(snapshot.position).toBe(formatEventId(epoch, head));
    expect((await store.snapshot('tasks', { n: 2 }, limits)).records.map((r) => r.data.n)).toEqual([2]);
  });

  it('snapshots exactly maxRecords and maxBytes, and refuses one more, naming the limit', async () => {
    const { store } = await storeOnLog();
    for (let n = 1; n <= 3; n++) await store.insert('tasks', { n }); // 7 bytes of JSON each
    expect((await store.snapshot('tasks', {}, { maxRecords: 3, maxBytes: 21 })).records).toHaveLength(3);
    const count = await refusal(() => store.snapshot('tasks', {}, { maxRecords: 2, maxBytes: 1000 }));
    expect([count.code, count.details]).toEqual(['SNAPSHOT_TOO_LARGE', { maxRecords: 2 }]);
    expect(count.message).toBe(
      'More than 2 records match in "tasks"; narrow the live query with where.<field>= filters or page through GET /collections/tasks/records',
    );
    const bytes = await refusal(() => store.snapshot('tasks', {}, { maxRecords: 3, maxBytes: 20 }));
    expect([bytes.code, bytes.details]).toEqual(['SNAPSHOT_TOO_LARGE', { maxBytes: 20 }]);
    expect(bytes.message).toContain('hold about 21 bytes; a live snapshot is limited to 20 bytes');
  });

  it('applies a read filter before the snapshot limits count', async () => {
    const { store } = await storeOnLog();
    for (let n = 1; n <= 6; n++) await store.insert('tasks', { n });
    const even = (r: { data: Record<string, unknown> }) => (r.data.n as number) % 2 === 0;
    const snapshot = await store.snapshot('tasks', {}, { maxRecords: 3, maxBytes: 21 }, even);
    expect(snapshot.records.map((r) => r.data.n)).toEqual([2, 4, 6]);
    await expect(store.snapshot('tasks', {}, { maxRecords: 2, maxBytes: 1000 }, even)).rejects.toMatchObject({
      code: 'SNAPSHOT_TOO_LARGE',
    });
  });

  it('lists collections with their record counts, schema-only ones at 0, and stores schemas', async () => {
    const { store } = await storeOnLog();
    await store.insert('tasks', { n: 1 });
    await store.insert('tasks', { n: 2 });
    await store.insert('notes', { n: 1 });
    const schema = { fields: { n: { type: 'number' } } } as never;
    await store.setSchema('empty', schema);
    await store.setSchema('tasks', schema);
    expect(await store.collections()).toEqual([
      { name: 'empty', records: 0 },
      { name: 'notes', records: 1 },
      { name: 'tasks', records: 2 },
    ]);
    expect(await store.getSchema('tasks')).toEqual(schema);
    const other = { fields: {} } as never;
    await store.setSchema('tasks', other);
    expect(await store.getSchema('tasks')).toEqual(other);
    await store.setSchema('empty', undefined);
    expect(await store.getSchema('empty')).toBeUndefined();
    expect((await store.collections()).map((c) => c.name)).toEqual(['notes', 'tasks']);
  });
});
