import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { refusedWith as refusal } from '../../test/support/refusal.js';
import { tempDir } from '../../test/support/temp-dir.js';
import { anonymousPrincipal, type Principal, tokenPrincipal } from '../auth/principal.js';
import { SqliteEventLog } from '../log/sqlite-log.js';
import { CollectionAccess } from './collection-access.js';
import { type CollectionLimits, Collections, DEFAULT_MAX_SNAPSHOT_BYTES } from './collections.js';
import { decodeCursor } from './list-query.js';
import { SqliteCollectionStore } from './sqlite-collection-store.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const LIMITS: CollectionLimits = { maxRecordBytes: 100, maxSnapshotRecords: 100, maxSnapshotBytes: 100_000 };

async function collections(limits: Partial<CollectionLimits> = {}) {
  const dir = tempDir();
  cleanup.push(() => dir.remove());
  const log = new SqliteEventLog({ file: join(dir.path, 'log.db') });
  await log.open();
  cleanup.push(() => log.close());
  const store = new SqliteCollectionStore(log);
  return { log, store, collections: new Collections(store, { ...LIMITS, ...limits }, new CollectionAccess()) };
}

const user = (sub: string): Principal => tokenPrincipal({ sub }, { subscribe: ['**'], publish: ['**'], admin: false });
const admin = tokenPrincipal({ sub: 'root' }, { subscribe: ['**'], publish: ['**'], admin: true });

describe('Collections', () => {
  it('writes, reads, patches, replaces and deletes records', async () => {
    const { collections: c } = await collections();
    const { record } = await c.insert('tasks', { title: 'a', done: false, tag: 'x' });
    expect(await c.get('tasks', record.id)).toEqual(record);
    const patched = await c.patch('tasks', record.id, { done: true, tag: null, extra: 1 });
    expect(patched.record.data).toEqual({ title: 'a', done: true, extra: 1 });
    const replaced = await c.replace('tasks', record.id, { title: 'b' }, { ifVersion: 2 });
    expect(replaced.record).toMatchObject({ data: { title: 'b' }, version: 3 });
    expect((await refusal(() => c.patch('tasks', record.id, { a: 1 }, { ifVersion: 2 }))).code).toBe(
      'VERSION_CONFLICT',
    );
    expect((await refusal(() => c.delete('tasks', record.id, { ifVersion: 1 }))).code).toBe('VERSION_CONFLICT');
    await c.delete('tasks', record.id, { ifVersion: 3 });
    expect(await refusal(() => c.get('tasks', record.id))).toEqual({
      code: 'RECORD_NOT_FOUND',
      message: `No record "${record.id}" in collection "tasks"`,
    });
  });

  it('refuses what is not a JSON object, data too deep, and records over maxRecordBytes', async () => {
    const { collections: c, log } = await collections({ maxRecordBytes: 20 });
    for (const data of [null, [], 'text', 3]) {
      expect(await refusal(() => c.insert('tasks', data))).toEqual({
        code: 'INVALID_BODY',
        message: 'A record is a JSON object, such as {"text": "hello"}',
      });
    }
    let deep: unknown = 1;
    for (let i = 0; i < 200; i++) deep = { d: deep };
    expect((await refusal(() => c.insert('tasks', deep))).code).toBe('JSON_TOO_DEEP');
    await c.insert('tasks', { t: 'x'.repeat(12) }); // {"t":"xxxxxxxxxxxx"} is exactly 20 bytes
    expect(await refusal(() => c.insert('tasks', { t: 'x'.repeat(13) }))).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'The record is 21 bytes of JSON; the limit is 20 bytes',
    });
    const { record } = await c.insert('tasks', { t: 'y' });
    expect((await refusal(() => c.patch('tasks', record.id, { u: 'z'.repeat(20) }))).code).toBe('PAYLOAD_TOO_LARGE');
    expect((await refusal(() => c.patch('tasks', record.id, [1]))).code).toBe('INVALID_BODY');
    expect((await log.position()).head).toBe(2);
  });

  it('refuses bad collection names and record ids before touching the store', async () => {
    const { collections: c } = await collections();
    expect((await refusal(() => c.insert('Bad', {}))).code).toBe('INVALID_COLLECTION');
    expect((await refusal(() => c.get('tasks', 'a b'))).code).toBe('INVALID_RECORD_ID');
    expect((await refusal(() => c.replace('tasks', 'a b', {}))).code).toBe('INVALID_RECORD_ID');
    expect((await refusal(() => c.patch('tasks', 'a b', {}))).code).toBe('INVALID_RECORD_ID');
    expect((await refusal(() => c.delete('tasks', 'a b'))).code).toBe('INVALID_RECORD_ID');
    expect((await refusal(() => c.list('Bad'))).code).toBe('INVALID_COLLECTION');
    expect((await refusal(() => c.snapshot('Bad'))).code).toBe('INVALID_COLLECTION');
  });

  it('validates writes against the schema, set by admins only and read back', async () => {
    const { collections: c } = await collections();
    const schema = { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] };
    expect((await refusal(() => c.setSchema('tasks', schema, user('u')))).code).toBe('FORBIDDEN');
    await c.setSchema('tasks', schema, admin);
    expect(await c.getSchema('tasks')).toMatchObject(schema);
    expect((await refusal(() => c.insert('tasks', { n: 'x' }))).code).toBe('VALIDATION_FAILED');
    const { record } = await c.insert('tasks', { n: 1 });
    expect((await refusal(() => c.replace('tasks', record.id, {}))).code).toBe('VALIDATION_FAILED');
    expect((await refusal(() => c.patch('tasks', record.id, { n: null }))).code).toBe('VALIDATION_FAILED');
    await c.setSchema('tasks', undefined);
    expect(await c.getSchema('tasks')).toBeUndefined();
    await c.insert('tasks', { anything: true });
  });

  it('loads a stored schema on first use (a restart)', async () => {
    const { collections: c, store } = await collections();
    await c.setSchema('tasks', { type: 'object', required: ['n'] });
    const restarted = new Collections(store, LIMITS);
    expect((await refusal(() => restarted.insert('tasks', {}))).code).toBe('VALIDATION_FAILED');
  });

  it('configures schemas and rules at start, naming the collection in a refusal', async () => {
    const { collections: c } = await collections();
    await c.configure({ tasks: { schema: { type: 'object', required: ['n'] }, rules: { read: 'true' } } });
    expect((await refusal(() => c.insert('tasks', {}))).code).toBe('VALIDATION_FAILED');
    const bad = await refusal(() => c.configure({ Bad: {} }));
    expect(bad.code).toBe('INVALID_CONFIG');
    expect(bad.message).toMatch(/^Invalid collections\.Bad: /);
    expect((await refusal(() => c.configure({ ok: { schema: 'not a schema' } }))).message).toMatch(
      /^Invalid collections\.ok: /,
    );
  });

  it('lists in pages with a cursor, and filters', async () => {
    const { collections: c } = await collections();
    const ids: string[] = [];
    for (let n = 1; n <= 5; n++) ids.push((await c.insert('tasks', { n, odd: n % 2 === 1 })).record.id);
    const first = await c.list('tasks', { limit: 2 });
    expect(first.records.map((r) => r.id)).toEqual(ids.slice(0, 2));
    expect(decodeCursor(first.nextCursor as string)).toBe(ids[1]);
    const rest = await c.list('tasks', { limit: 10, afterId: ids[1] });
    expect(rest).toMatchObject({ nextCursor: null });
    expect(rest.records.map((r) => r.id)).toEqual(ids.slice(2));
    expect((await c.list('tasks', { where: { odd: true } })).records).toHaveLength(3);
    expect(await c.list('none')).toEqual({ records: [], nextCursor: null });
  });

  it('applies the read rule to lists, pages and snapshots: a short page still says more may follow', async () => {
    const { collections: c } = await collections();
    c.access.configure('tasks', { read: 'record.data.owner == auth.sub', create: 'true' });
    const owners = ['ann', 'bob', 'ann', 'bob', 'bob', 'ann'];
    const ids: string[] = [];
    for (const owner of owners) ids.push((await c.insert('tasks', { owner })).record.id);
    const ann = user('ann');
    const page = await c.list('tasks', { limit: 2 }, ann);
    expect(page.records.map((r) => r.id)).toEqual([ids[0], ids[2]]);
    expect(decodeCursor(page.nextCursor as string)).toBe(ids[2]);
    const last = await c.list('tasks', { limit: 2, afterId: ids[2] }, ann);
    expect(last.records.map((r) => r.id)).toEqual([ids[5]]);
    expect(last.nextCursor).toBeNull();
    const exact = await c.list('tasks', { limit: 1, afterId: ids[2] }, ann);
    expect(exact.records.map((r) => r.id)).toEqual([ids[5]]);
    expect(exact.nextCursor).toBeNull(); // the last readable record ends the list
    expect((await c.snapshot('tasks', {}, ann)).records.map((r) => r.id)).toEqual([ids[0], ids[2], ids[5]]);
    expect(await refusal(() => c.get('tasks', ids[1] as string, ann))).toMatchObject({ code: 'FORBIDDEN' });
    expect((await c.get('tasks', ids[0] as string, ann)).id).toBe(ids[0]);
  });

  it('refuses actions without a rule to everyone but admins, and checks write rules on the data', async () => {
    const { collections: c } = await collections();
    c.access.configure('tasks', { create: 'data.owner == auth.sub', update: 'record.data.owner == auth.sub' });
    const ann = user('ann');
    expect((await refusal(() => c.insert('tasks', { owner: 'bob' }, ann))).code).toBe('FORBIDDEN');
    const { record } = await c.insert('tasks', { owner: 'ann' }, ann);
    expect((await refusal(() => c.delete('tasks', record.id, {}, ann))).message).toBe(
      'Deleting records of "tasks" needs an admin token',
    );
    expect((await refusal(() => c.list('tasks', {}, ann))).code).toBe('FORBIDDEN');
    expect((await refusal(() => c.patch('tasks', record.id, { x: 1 }, {}, user('bob')))).code).toBe('FORBIDDEN');
    await c.patch('tasks', record.id, { x: 1 }, {}, ann);
    expect((await refusal(() => c.names(ann))).code).toBe('FORBIDDEN');
    expect(await c.names(admin)).toEqual([{ name: 'tasks', records: 1 }]);
    await c.delete('tasks', record.id, {}, admin);
    expect((await refusal(() => c.getSchema('tasks', anonymousPrincipal([])))).code).toBe('TOKEN_MISSING');
  });

  it('refuses a snapshot over the configured limits', async () => {
    const { collections: c } = await collections({ maxSnapshotRecords: 2 });
    for (let n = 1; n <= 3; n++) await c.insert('tasks', { n });
    expect((await refusal(() => c.snapshot('tasks'))).code).toBe('SNAPSHOT_TOO_LARGE');
    expect((await c.snapshot('tasks', { n: 1 })).records).toHaveLength(1);
    const small = await collections({ maxSnapshotBytes: 7 }); // {"n":1} is 7 bytes
    await small.collections.insert('tasks', { n: 1 });
    expect((await small.collections.snapshot('tasks')).records).toHaveLength(1);
    await small.collections.insert('tasks', { n: 2 });
    expect((await refusal(() => small.collections.snapshot('tasks'))).code).toBe('SNAPSHOT_TOO_LARGE');
  });

  it('has the documented 32 MiB snapshot limit by default', () => {
    expect(DEFAULT_MAX_SNAPSHOT_BYTES).toBe(32 * 1024 * 1024);
  });

  it('configures rules without a schema, and keeps the cause of a refused setting', async () => {
    const { collections: c } = await collections();
    await c.configure({ notes: { rules: { read: 'true', create: 'true' } } });
    await c.insert('notes', { a: 1 }, user('ann'));
    expect((await c.list('notes', {}, user('ann'))).records).toHaveLength(1);
    try {
      await c.configure({ Bad: {} });
    } catch (err) {
      expect((err as Error).cause).toMatchObject({ code: 'INVALID_COLLECTION' });
    }
  });

  it('checks each action against its own rule', async () => {
    const { collections: c } = await collections();
    const own = 'record.data.owner == auth.sub';
    c.access.configure('tasks', { read: own, create: 'true', update: own, delete: own });
    const ann = user('ann');
    const bob = user('bob');
    const { record } = await c.insert('tasks', { owner: 'ann' }, ann);
    expect((await c.replace('tasks', record.id, { owner: 'ann', v: 2 }, {}, ann)).record.version).toBe(2);
    expect((await refusal(() => c.replace('tasks', record.id, { owner: 'bob' }, {}, bob))).code).toBe('FORBIDDEN');
    expect((await refusal(() => c.delete('tasks', record.id, {}, bob))).code).toBe('FORBIDDEN');
    expect(await c.getSchema('tasks', ann)).toBeUndefined();
    await c.delete('tasks', record.id, {}, ann);
    expect(await c.list('tasks', {}, ann)).toEqual({ records: [], nextCursor: null });
  });

  it('names what needs an admin token', async () => {
    const { collections: c } = await collections();
    expect((await refusal(() => c.names(user('ann')))).message).toContain('Listing collections');
    expect((await refusal(() => c.setSchema('tasks', { type: 'object' }, user('ann')))).message).toContain(
      'Changing a collection schema',
    );
  });
});
