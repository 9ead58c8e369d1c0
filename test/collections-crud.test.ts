import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../src/log/sqlite-driver.js';
import { type RunningServer, serve } from '../src/server.js';
import { call, collectionsTempDir, listAll, type Reply } from './fixtures/collections-support.js';
import { collectionStores, STORE_KINDS, type StoreKind } from './support/collection-stores.js';

const messagesSchema = {
  type: 'object',
  properties: {
    text: { type: 'string', minLength: 1, maxLength: 10 },
    room: { type: 'string', enum: ['general', 'random'] },
    n: { type: 'integer', minimum: 0, maximum: 100 },
    done: { type: 'boolean' },
  },
  required: ['text'],
  additionalProperties: false,
};

let dir: ReturnType<typeof collectionsTempDir>;
let server: RunningServer;
let url: string;
const stores = collectionStores();

afterAll(() => stores.remove());

/** Every test runs on each store: the contract is the same, SQLite or PostgreSQL. */
function serveOn(kind: StoreKind): void {
  beforeEach(async () => {
    dir = collectionsTempDir();
    server = await serve({
      port: 0,
      host: '127.0.0.1',
      dataDir: dir.path,
      logLevel: 'silent',
      maxEventBytes: 4096,
      canaryIntervalMs: 0, // "nothing written" compares log heads: no beats in the log
      collections: { messages: { schema: messagesSchema } },
      ...(await stores.options(kind)),
    });
    url = server.url;
  }, 60_000);

  afterEach(async () => {
    await server.close();
    dir.remove();
  });
}

/** The log head and the number of stored records, read through the hub (to prove a failure wrote nothing). */
async function footprint() {
  const position = await server.hub.log.position();
  const names = await server.hub.collections!.names();
  return { head: position.head, records: names.reduce((n, c) => n + c.records, 0) };
}

describe.each(STORE_KINDS)('collections CRUD over HTTP (%s store)', (kind) => {
  serveOn(kind);
  it('creates, reads, replaces, patches and deletes a record with versions and timestamps', async () => {
    const created = await call(url, 'POST', '/collections/notes/records', { title: 'a', tags: ['x'] });
    expect(created.status).toBe(201);
    const record = created.body;
    expect(record).toMatchObject({ data: { title: 'a', tags: ['x'] }, version: 1 });
    expect(record.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(record.createdAt).toBe(record.updatedAt);
    expect(created.headers.get('location')).toBe(`/collections/notes/records/${record.id}`);
    expect(created.headers.get('etag')).toBe('"1"');

    expect((await call(url, 'GET', `/collections/notes/records/${record.id}`)).body).toEqual(record);

    const replaced = await call(url, 'PUT', `/collections/notes/records/${record.id}`, { title: 'b' });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      id: record.id,
      data: { title: 'b' },
      version: 2,
      createdAt: record.createdAt,
    });
    expect(replaced.body.updatedAt).toBeGreaterThanOrEqual(record.updatedAt);

    const patched = await call(url, 'PATCH', `/collections/notes/records/${record.id}`, { body: 'x', title: null });
    expect(patched.body).toMatchObject({ data: { body: 'x' }, version: 3 });
    expect(patched.body.data).not.toHaveProperty('title');

    const deleted = await call(url, 'DELETE', `/collections/notes/records/${record.id}`);
    expect(deleted).toMatchObject({ status: 200, body: { id: record.id, deleted: true } });
    expect((await call(url, 'GET', `/collections/notes/records/${record.id}`)).body.error.code).toBe(
      'RECORD_NOT_FOUND',
    );
    expect((await call(url, 'DELETE', `/collections/notes/records/${record.id}`)).status).toBe(404);
  });

  it('lists in creation order with cursors, and filters on top-level fields', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const room = i % 3 === 0 ? 'general' : 'random';
      const reply = await call(url, 'POST', '/collections/messages/records', {
        text: `m${i}`,
        room,
        n: i % 5,
        done: i % 2 === 0,
      });
      expect(reply.status).toBe(201);
      ids.push(reply.body.id);
    }
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const reply: Reply = await call(
        url,
        'GET',
        `/collections/messages/records?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(reply.status).toBe(200);
      pages.push(reply.body.records.map((r: { id: string }) => r.id));
      cursor = reply.body.nextCursor;
    } while (cursor);
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(pages.flat()).toEqual(ids);
    // A page that ends exactly at the last record says so.
    expect((await call(url, 'GET', '/collections/messages/records?limit=25')).body.nextCursor).toBeNull();

    const texts = async (query: string) =>
      (await listAll(url, 'messages', query)).map((r) => r.data.text as string).sort();
    const expected = (pick: (i: number) => boolean) =>
      Array.from({ length: 25 }, (_, i) => i)
        .filter(pick)
        .map((i) => `m${i}`)
        .sort();
    expect(await texts('where.room=general')).toEqual(expected((i) => i % 3 === 0));
    expect(await texts('where.n=3')).toEqual(expected((i) => i % 5 === 3));
    expect(await texts('where.done=true')).toEqual(expected((i) => i % 2 === 0));
    expect(await texts('where.room=general&where.done=false')).toEqual(expected((i) => i % 3 === 0 && i % 2 === 1));
    expect(await texts('where.n=%223%22')).toEqual([]); // the string "3" is not the number 3
    expect(await texts('where.missing=1')).toEqual([]);
    // Filtered paging: small pages over a filter still return every match once.
    expect((await listAll(url, 'messages', 'where.room=random', 2)).map((r) => r.data.text).sort()).toEqual(
      expected((i) => i % 3 !== 0),
    );
  });

  it('answers an unknown collection with an empty list and lists known collections', async () => {
    expect((await call(url, 'GET', '/collections/nothing-here/records')).body).toEqual({
      records: [],
      nextCursor: null,
    });
    await call(url, 'POST', '/collections/a1/records', { x: 1 });
    const reply = await call(url, 'GET', '/collections');
    expect(reply.body.collections).toEqual([
      { name: 'a1', records: 1 },
      { name: 'messages', records: 0 },
    ]);
  });

  it('honours If-Match on PUT, PATCH and DELETE', async () => {
    const { body: record } = await call(url, 'POST', '/collections/notes/records', { v: 0 });
    const path = `/collections/notes/records/${record.id}`;
    const stale = await call(url, 'PUT', path, { v: 1 }, { headers: { 'if-match': '"2"' } });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'VERSION_CONFLICT', details: { currentVersion: 1 } });
    expect((await call(url, 'PUT', path, { v: 1 }, { headers: { 'if-match': '"1"' } })).body.version).toBe(2);
    expect((await call(url, 'PATCH', path, { v: 2 }, { headers: { 'if-match': '1' } })).status).toBe(409);
    expect((await call(url, 'PATCH', path, { v: 2 }, { headers: { 'if-match': 'W/"2"' } })).body.version).toBe(3);
    expect((await call(url, 'DELETE', path, undefined, { headers: { 'if-match': '2' } })).status).toBe(409);
    expect((await call(url, 'PUT', path, { v: 9 }, { headers: { 'if-match': 'abc' } })).body.error.code).toBe(
      'INVALID_IF_MATCH',
    );
    expect((await call(url, 'GET', path)).body).toMatchObject({ version: 3, data: { v: 2 } });
    expect((await call(url, 'DELETE', path, undefined, { headers: { 'if-match': '3' } })).status).toBe(200);
  });

  it('treats If-Match: * as no version check on PUT, PATCH and DELETE, and still 404s a missing record', async () => {
    const { body: record } = await call(url, 'POST', '/collections/notes/records', { v: 0 });
    const path = `/collections/notes/records/${record.id}`;
    const any = { headers: { 'if-match': '*' } };
    expect((await call(url, 'PUT', path, { v: 1 }, any)).body.version).toBe(2);
    expect((await call(url, 'PATCH', path, { v: 2 }, any)).body.version).toBe(3);
    expect((await call(url, 'DELETE', path, undefined, any)).status).toBe(200);
    const gone = await call(url, 'PUT', path, { v: 3 }, any);
    expect([gone.status, gone.body.error.code]).toEqual([404, 'RECORD_NOT_FOUND']);
  });

  it('validates against the configured schema and a schema set over HTTP', async () => {
    const bad = await call(url, 'POST', '/collections/messages/records', { text: 'x'.repeat(11) });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'text' } });
    const cases: [unknown, string][] = [
      [{}, 'text'],
      [{ text: 5 }, 'text'],
      [{ text: '' }, 'text'],
      [{ text: 'a', room: 'kitchen' }, 'room'],
      [{ text: 'a', n: 1.5 }, 'n'],
      [{ text: 'a', n: 101 }, 'n'],
      [{ text: 'a', extra: true }, 'extra'],
    ];
    for (const [data, field] of cases) {
      const reply = await call(url, 'POST', '/collections/messages/records', data);
      expect(reply.body.error, JSON.stringify(data)).toMatchObject({ code: 'VALIDATION_FAILED', details: { field } });
    }
    // A patch whose merged result breaks the schema is refused as a whole.
    const { body: ok } = await call(url, 'POST', '/collections/messages/records', { text: 'ok', n: 1 });
    const removeRequired = await call(url, 'PATCH', `/collections/messages/records/${ok.id}`, { text: null });
    expect(removeRequired.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'text' } });
    expect((await call(url, 'GET', `/collections/messages/records/${ok.id}`)).body.version).toBe(1);

    // Schemas over HTTP: set, read, enforce, remove.
    const nested = { type: 'object', properties: { user: { type: 'object', required: ['name'] } } };
    expect((await call(url, 'PUT', '/collections/people/schema', nested)).body).toEqual({
      collection: 'people',
      schema: nested,
    });
    expect((await call(url, 'GET', '/collections/people/schema')).body.schema).toEqual(nested);
    const missing = await call(url, 'POST', '/collections/people/records', { user: {} });
    expect(missing.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'user.name' } });
    await call(url, 'DELETE', '/collections/people/schema');
    expect((await call(url, 'POST', '/collections/people/records', { user: {} })).status).toBe(201);

    for (const schema of [
      { type: 'array' },
      { type: 'object', patern: 'x' },
      { type: 'object', required: 'a' },
      { type: 'object', properties: { a: { $ref: '#/$defs/missing' } } },
    ]) {
      const reply = await call(url, 'PUT', '/collections/people/schema', schema);
      expect(reply.body.error?.code, JSON.stringify(schema)).toBe('INVALID_SCHEMA');
    }
  });

  it('answers every bad input with its code and writes nothing', async () => {
    const { body: existing } = await call(url, 'POST', '/collections/notes/records', { a: 1 });
    const before = await footprint();
    const record = `/collections/notes/records/${existing.id}`;
    const cases: [string, string, unknown, { raw?: string; headers?: Record<string, string> }, number, string][] = [
      ['POST', '/collections/Bad/records', { a: 1 }, {}, 400, 'INVALID_COLLECTION'],
      ['POST', `/collections/${'a'.repeat(65)}/records`, { a: 1 }, {}, 400, 'INVALID_COLLECTION'],
      ['POST', '/collections/notes/records', [1, 2], {}, 400, 'INVALID_BODY'],
      ['POST', '/collections/notes/records', 'text', {}, 400, 'INVALID_BODY'],
      ['POST', '/collections/notes/records', null, {}, 400, 'INVALID_BODY'],
      ['POST', '/collections/notes/records', undefined, { raw: '{"a":' }, 400, 'INVALID_JSON'],
      ['POST', '/collections/notes/records', undefined, { raw: '' }, 400, 'INVALID_JSON'],
      ['POST', '/collections/notes/records', { big: 'x'.repeat(5000) }, {}, 413, 'PAYLOAD_TOO_LARGE'],
      [
        'POST',
        '/collections/notes/records',
        undefined,
        { raw: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      ['POST', '/collections/messages/records', { text: 'way too long text' }, {}, 400, 'VALIDATION_FAILED'],
      ['PUT', record, [1], {}, 400, 'INVALID_BODY'],
      ['PATCH', record, 'x', {}, 400, 'INVALID_BODY'],
      ['PATCH', record, { big: 'x'.repeat(5000) }, {}, 413, 'PAYLOAD_TOO_LARGE'],
      ['PUT', '/collections/notes/records/no$such', { a: 1 }, {}, 400, 'INVALID_RECORD_ID'],
      ['GET', `/collections/notes/records/${'x'.repeat(65)}`, undefined, {}, 400, 'INVALID_RECORD_ID'],
      ['PUT', '/collections/notes/records/nosuch', { a: 1 }, {}, 404, 'RECORD_NOT_FOUND'],
      ['PATCH', '/collections/notes/records/nosuch', { a: 1 }, {}, 404, 'RECORD_NOT_FOUND'],
      ['DELETE', '/collections/notes/records/nosuch', undefined, {}, 404, 'RECORD_NOT_FOUND'],
      ['GET', '/collections/notes/records/nosuch', undefined, {}, 404, 'RECORD_NOT_FOUND'],
      ['PUT', record, { a: 2 }, { headers: { 'if-match': '7' } }, 409, 'VERSION_CONFLICT'],
      ['GET', '/collections/notes/records?limit=0', undefined, {}, 400, 'INVALID_QUERY'],
      ['GET', '/collections/notes/records?limit=1001', undefined, {}, 400, 'INVALID_QUERY'],
      ['GET', '/collections/notes/records?limit=ten', undefined, {}, 400, 'INVALID_QUERY'],
      ['GET', '/collections/notes/records?cursor=garbage', undefined, {}, 400, 'INVALID_QUERY'],
      ['GET', '/collections/notes/records?where.a.b=1', undefined, {}, 400, 'INVALID_QUERY'],
      ['GET', '/collections/notes/records?where.a=1&where.a=2', undefined, {}, 400, 'INVALID_QUERY'],
      ['GET', '/collections/notes/live?where.a%20b=1', undefined, {}, 400, 'INVALID_QUERY'],
      ['DELETE', '/collections/notes/records', undefined, {}, 405, 'METHOD_NOT_ALLOWED'],
      ['POST', record, { a: 1 }, {}, 405, 'METHOD_NOT_ALLOWED'],
      ['POST', '/collections/notes/live', { a: 1 }, {}, 405, 'METHOD_NOT_ALLOWED'],
      ['PATCH', '/collections/notes/schema', { type: 'object' }, {}, 405, 'METHOD_NOT_ALLOWED'],
      ['PUT', '/collections/notes/schema', { type: 'object', format: 'x' }, {}, 400, 'INVALID_SCHEMA'],
      ['GET', '/collections/notes/elsewhere', undefined, {}, 404, 'NOT_FOUND'],
    ];
    for (const [method, path, body, init, status, code] of cases) {
      const reply = await call(url, method, path, body, init);
      expect({ status: reply.status, code: reply.body?.error?.code }, `${method} ${path}`).toEqual({ status, code });
      if (status === 405) expect(reply.headers.get('allow')).toBeTruthy();
    }
    expect(await footprint()).toEqual(before);
    expect((await call(url, 'GET', record)).body).toEqual(existing);
    expect((await call(url, 'GET', '/collections/notes/schema')).body.schema).toBeNull();
  });
});

describe.each(STORE_KINDS)('collections: a write and its change event are one transaction (%s store)', (kind) => {
  serveOn(kind);
  it('publishes one change event per write on the collection and record topics', async () => {
    const { body: record } = await call(url, 'POST', '/collections/notes/records', { a: 1 });
    await call(url, 'PATCH', `/collections/notes/records/${record.id}`, { b: 2 });
    await call(url, 'DELETE', `/collections/notes/records/${record.id}`);
    const events = await server.hub.log.readAfter(0, 100);
    expect(events.map((e) => [e.type, e.topics])).toEqual(
      ['insert', 'update', 'delete'].map((op) => [op, ['collections/notes', `collections/notes/${record.id}`]]),
    );
    const last = JSON.parse(events[2]!.data);
    expect(last).toEqual({
      op: 'delete',
      collection: 'notes',
      id: record.id,
      record: { ...record, data: { a: 1, b: 2 }, version: 2, updatedAt: last.record.updatedAt },
    });
  });

  it('leaves the log and the records in agreement after a mix of good and failing writes', async () => {
    const ids: string[] = [];
    let acknowledged = 0;
    for (let i = 0; i < 60; i++) {
      const pick = i % 6;
      if (pick < 2 || ids.length === 0) {
        const reply = await call(url, 'POST', '/collections/messages/records', { text: pick ? 'ok' : 'too long text' });
        if (reply.status === 201) {
          ids.push(reply.body.id);
          acknowledged++;
        } else expect(reply.body.error.code).toBe('VALIDATION_FAILED');
      } else if (pick < 4) {
        const id = ids[i % ids.length]!;
        const reply = await call(url, 'PATCH', `/collections/messages/records/${id}`, { n: pick === 2 ? i : 1000 });
        expect(reply.status).toBe(pick === 2 ? 200 : 400);
        if (reply.status === 200) acknowledged++;
      } else if (pick === 4) {
        const reply = await call(url, 'PUT', '/collections/messages/records/missing', { text: 'x' });
        expect(reply.status).toBe(404);
      } else {
        const id = ids.pop()!;
        expect((await call(url, 'DELETE', `/collections/messages/records/${id}`)).status).toBe(200);
        acknowledged++;
      }
    }
    const final = await listAll(url, 'messages');
    const head = (await server.hub.log.position()).head;
    await server.close();

    // Straight from the log's database file: rebuild the records from the change events alone.
    const db = openSqlite(join(dir.path, 'ssehub.db'), { readonly: true });
    const events = db.prepare('SELECT seq, type, data FROM events ORDER BY seq').all() as {
      seq: number;
      type: string;
      data: string;
    }[];
    const recordsSql = "SELECT id, version FROM %s WHERE collection = 'messages'";
    const rows =
      kind === 'sqlite'
        ? db.prepare(recordsSql.replace('%s', 'collection_records')).all()
        : await stores.query(recordsSql.replace('%s', 'ssehub_collection_records'));
    db.close();
    expect(events.length).toBe(head);
    expect(events.length).toBe(acknowledged); // one event per successful write, none for a refused one
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    const rebuilt = new Map<string, { id: string; version: number }>();
    for (const event of events) {
      const change = JSON.parse(event.data);
      expect(change.op).toBe(event.type);
      if (change.op === 'delete') rebuilt.delete(change.id);
      else {
        expect(change.record.version).toBe((rebuilt.get(change.id)?.version ?? 0) + 1);
        rebuilt.set(change.id, change.record);
      }
    }
    expect([...rebuilt.values()].map((r) => [r.id, r.version]).sort()).toEqual(
      (rows as { id: string; version: number }[]).map((r) => [r.id, r.version]).sort(),
    );
    expect(final.map((r) => [r.id, r.version]).sort()).toEqual(
      [...rebuilt.values()].map((r) => [r.id, r.version]).sort(),
    );
  });
});
