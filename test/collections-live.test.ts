import { EventSource } from 'eventsource';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { CollectionRecord } from '../src/collections/collection-record.js';
import type { SqliteEventLog } from '../src/log/sqlite-log.js';
import { type RunningServer, type ServeOptions, serve } from '../src/server.js';
import {
  call,
  collectionsTempDir,
  LiveState,
  listAll,
  openLive,
  type RawLive,
  seqOf,
} from './fixtures/collections-support.js';
import { collectionStores, STORE_KINDS, type StoreKind } from './support/collection-stores.js';
import { waitUntil } from './support/wait.js';

const cleanups: (() => Promise<void> | void)[] = [];
const stores = collectionStores();

afterAll(() => stores.remove());

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A hub with its collections on `kind` (SQLite unless a test runs on each store). */
async function start(options: ServeOptions = {}, kind: StoreKind = 'sqlite'): Promise<RunningServer> {
  const dir = collectionsTempDir();
  const server = await serve({
    port: 0,
    host: '127.0.0.1',
    dataDir: dir.path,
    logLevel: 'silent',
    canaryIntervalMs: 0, // positions are compared exactly: no beats in the log
    ...options,
    ...(await stores.options(kind)),
  });
  cleanups.push(
    () => dir.remove(),
    () => server.close(),
  );
  return server;
}

async function live(...args: Parameters<typeof openLive>): Promise<RawLive> {
  const stream = await openLive(...args);
  cleanups.push(() => stream.close());
  return stream;
}

const strip = (records: readonly CollectionRecord[]) => records.map((r) => JSON.stringify(r));

/** The snapshot/tail contract and resume, on each store: no gap, no duplicate, whichever holds the records. */
describe.each(STORE_KINDS)('live collections on the %s store', (kind) => {
  it('starts with a snapshot at the log position and carries later changes', async () => {
    const server = await start({}, kind);
    const { body: first } = await call(server.url, 'POST', '/collections/tasks/records', { room: 'a' });
    const stream = await live(server.url, 'tasks');
    expect(stream.status).toBe(200);
    await waitUntil(() => stream.events.length >= 1, 15_000, 'the snapshot');
    const head = (await server.hub.log.position()).head;
    expect(stream.events[0]).toMatchObject({ type: 'snapshot' });
    expect(seqOf(stream.events[0]!.lastEventId)).toBe(head);
    expect(JSON.parse(stream.events[0]!.data).records).toEqual([first]);

    await call(server.url, 'POST', '/collections/tasks/records', { room: 'b' });
    await call(server.url, 'POST', '/collections/other/records', { room: 'b' }); // another collection: not here
    await call(server.url, 'PATCH', `/collections/tasks/records/${first.id}`, { done: true });
    await waitUntil(() => stream.state.changeIds.length === 2, 15_000, 'two changes');
    expect(stream.events.map((e) => e.type)).toEqual(['snapshot', 'insert', 'update']);
    expect(stream.retries.length).toBeGreaterThan(0);
    expect(strip(stream.state.sorted())).toEqual(strip(await listAll(server.url, 'tasks')));
  });

  it('keeps every client exact across the snapshot boundary while writers insert, update and delete', async () => {
    const server = await start({}, kind);
    const url = server.url;
    const known: string[] = [];
    for (let i = 0; i < 30; i++) {
      known.push((await call(url, 'POST', '/collections/tasks/records', { room: i % 2 ? 'a' : 'b', n: i })).body.id);
    }
    let stop = false;
    let writes = 0;
    const writer = async (seed: number) => {
      let x = seed;
      const rand = (n: number) => {
        x = (x * 1103515245 + 12345) % 2 ** 31;
        return x % n;
      };
      for (let i = 0; i < 120 && !stop; i++) {
        const op = rand(10);
        const id = known[rand(known.length)];
        let reply: { status: number; body: { id?: string } };
        if (op < 4 || id === undefined) {
          reply = await call(url, 'POST', '/collections/tasks/records', { room: rand(2) ? 'a' : 'b', n: i });
          if (reply.status === 201) known.push(reply.body.id!);
        } else if (op < 8) {
          reply = await call(url, 'PATCH', `/collections/tasks/records/${id}`, { room: rand(2) ? 'a' : 'b', n: i });
        } else {
          reply = await call(url, 'DELETE', `/collections/tasks/records/${id}`);
        }
        // 404 is a concurrent delete of the same record; anything else is a bug.
        expect([200, 201, 404]).toContain(reply.status);
        if (reply.status !== 404) writes++;
      }
    };
    const codeWriter = async () => {
      // Writes from code in the same process, between HTTP requests, with no await inside a burst.
      const collections = server.hub.collections!;
      for (let i = 0; i < 40 && !stop; i++) {
        const burst = [1, 2, 3].map((k) => collections.insert('tasks', { room: k % 2 ? 'a' : 'b', n: 1000 + i }));
        for (const write of await Promise.all(burst)) known.push(write.record.id);
        writes += 3;
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
    };

    type Client = { state: LiveState; where: Record<string, unknown>; query: string };
    const clients: Client[] = [];
    const openClients = async () => {
      for (let i = 0; i < 10; i++) {
        await new Promise((resolve) => setTimeout(resolve, 15));
        const filtered = i % 3 === 1;
        const where = filtered ? { room: 'a' } : {};
        // No client-side filtering: the server's view alone must give each client its exact set.
        if (i % 4 === 3) {
          // The npm eventsource package as an independent client.
          const state = new LiveState();
          const es = new EventSource(`${url}/collections/tasks/live${filtered ? '?where.room=a' : ''}`);
          cleanups.push(() => es.close());
          for (const type of ['snapshot', 'insert', 'update', 'delete']) {
            es.addEventListener(type, (e) => state.apply(type, e.data, e.lastEventId));
          }
          clients.push({ state, where, query: filtered ? 'where.room=a' : '' });
        } else {
          const stream = await live(url, 'tasks', filtered ? { where: { room: 'a' } } : {});
          expect(stream.status).toBe(200);
          clients.push({ state: stream.state, where, query: filtered ? 'where.room=a' : '' });
        }
      }
    };
    await Promise.all([writer(1), writer(2), writer(3), codeWriter(), openClients()]);
    stop = true;
    expect(writes).toBeGreaterThan(200);
    // The end marker is in every client's view: once it arrives, nothing before it is still in flight.
    await call(url, 'POST', '/collections/tasks/records', { room: 'a', end: true });

    const head = (await server.hub.log.position()).head;
    for (const [index, client] of clients.entries()) {
      await waitUntil(
        () => seqOf(client.state.lastEventId || '-0') === head,
        15_000,
        `client ${index} to reach ${head}`,
      );
      const { state } = client;
      expect(state.snapshots, `client ${index}`).toBe(1);
      expect(state.duplicates, `client ${index}`).toEqual([]);
      const from = seqOf(state.snapshotPosition);
      if (client.query === '') {
        // Every change after the snapshot position, each exactly once and in order (all events here are this collection's).
        expect(state.changeIds.map(seqOf), `client ${index}`).toEqual(
          Array.from({ length: head - from }, (_, k) => from + k + 1),
        );
      } else {
        // Only changes in or out of view, each once, in order, after the snapshot.
        const seqs = state.changeIds.map(seqOf);
        expect(seqs[0] ?? from + 1, `client ${index}`).toBeGreaterThan(from);
        expect(
          seqs.every((seq, k) => k === 0 || seq > (seqs[k - 1] as number)),
          `client ${index}`,
        ).toBe(true);
        expect(state.changeIds.length, `client ${index}`).toBeLessThan(head - from);
      }
      expect(strip(state.sorted()), `client ${index}`).toEqual(strip(await listAll(url, 'tasks', client.query)));
    }
    // The clients did open at different points of the write stream.
    expect(new Set(clients.map((c) => c.state.snapshotPosition)).size).toBeGreaterThan(3);
  });

  it('resumes from a known id with only the missed changes, no snapshot', async () => {
    const server = await start({}, kind);
    const { body: a } = await call(server.url, 'POST', '/collections/tasks/records', { n: 1 });
    const first = await live(server.url, 'tasks');
    await waitUntil(() => first.state.snapshots === 1, 15_000, 'the snapshot');
    first.close();
    const state = first.state;

    const { body: b } = await call(server.url, 'POST', '/collections/tasks/records', { n: 2 });
    await call(server.url, 'PATCH', `/collections/tasks/records/${a.id}`, { n: 5 });
    await call(server.url, 'DELETE', `/collections/tasks/records/${b.id}`);

    const resumed = await live(server.url, 'tasks', { lastEventId: state.lastEventId });
    await waitUntil(() => resumed.events.length === 3, 15_000, 'three missed changes');
    expect(resumed.events.map((e) => e.type)).toEqual(['insert', 'update', 'delete']);
    expect(resumed.retries.length).toBe(1);
    for (const event of resumed.events) state.apply(event.type, event.data, event.lastEventId);
    expect(strip(state.sorted())).toEqual(strip(await listAll(server.url, 'tasks')));

    // From the middle, and through the lastEventId query parameter as well.
    const middle = resumed.events[1]!.lastEventId;
    const url = new URL('/collections/tasks/live', server.url);
    url.searchParams.set('lastEventId', middle);
    const controller = new AbortController();
    cleanups.push(() => controller.abort());
    const res = await fetch(url, { signal: controller.signal });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('event: delete')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).not.toContain('snapshot');
    expect(text).not.toContain('event: update');
  });
});

describe('live collections: snapshot then changes', () => {
  it('lets a large snapshot drain before live changes, instead of dropping the client as slow', async () => {
    const server = await start({ maxBufferBytes: 64 * 1024 });
    const text = 'x'.repeat(8 * 1024);
    for (let i = 0; i < 100; i++) await server.hub.collections!.insert('big', { i, text }); // ~800 KiB
    const stream = await live(server.url, 'big');
    await waitUntil(() => stream.state.snapshots === 1, 15_000, 'the snapshot');
    expect(stream.state.records.size).toBe(100);
    await call(server.url, 'POST', '/collections/big/records', { i: 100 });
    await waitUntil(() => stream.state.changeIds.length === 1, 15_000, 'the change after a large snapshot');
    expect(stream.state.records.size).toBe(101);
  });

  it('sends a snapshot at the documented 32 MiB limit to a fast reader without dropping it, and a write landing while it is sent follows it', async () => {
    const server = await start(); // default limits: 32 MiB, 10,000 records; 1 MiB per-stream bound
    const text = 'x'.repeat(8000);
    for (let i = 0; i < 4000; i++) await server.hub.collections!.insert('huge', { i, text }); // ~32.6 MB
    let read!: () => void;
    const stream = await live(server.url, 'huge', { readAfter: new Promise<void>((resolve) => (read = resolve)) });
    expect(stream.status).toBe(200);
    // The snapshot was read before the headers; the reader has not read yet, so the socket is
    // full and the snapshot still being sent: this write lands between the snapshot and the subscription.
    await call(server.url, 'POST', '/collections/huge/records', { i: 4000 });
    read();
    await waitUntil(
      () => stream.state.changeIds.length === 1,
      60_000,
      'the write made while the snapshot was sent',
    ).catch((err) => {
      throw new Error(
        `${err.message}: ${JSON.stringify({ events: stream.events.map((e) => [e.type, e.data.length]), stats: server.hub.hub.stats() })}`,
      );
    });
    expect(stream.state.snapshots).toBe(1);
    expect(stream.events[0]!.data.length).toBeGreaterThan(32_000_000);
    expect(stream.state.records.size).toBe(4001);
    await call(server.url, 'POST', '/collections/huge/records', { i: 4001, last: true });
    await waitUntil(() => stream.state.changeIds.length === 2, 15_000, 'the next change');
    expect(stream.state.records.size).toBe(4002);
    expect(server.hub.hub.stats().slowConsumerDisconnects).toBe(0);
  }, 180_000);

  it('refuses a snapshot over its limits with 413 instead of sending part of it', async () => {
    const server = await start({ collectionLimits: { maxSnapshotRecords: 3, maxSnapshotBytes: 400 } });
    for (let i = 0; i < 4; i++) await call(server.url, 'POST', '/collections/tasks/records', { room: i ? 'a' : 'b' });
    const tooMany = await live(server.url, 'tasks');
    expect(tooMany.status).toBe(413);
    expect((tooMany as unknown as { body: { error: { code: string } } }).body.error.code).toBe('SNAPSHOT_TOO_LARGE');
    const narrowed = await live(server.url, 'tasks', { where: { room: 'b' }, parsedWhere: { room: 'b' } });
    expect(narrowed.status).toBe(200);
    await waitUntil(() => narrowed.state.snapshots === 1, 15_000, 'the narrowed snapshot');
    expect(narrowed.state.records.size).toBe(1);

    await call(server.url, 'POST', '/collections/heavy/records', { text: 'y'.repeat(500) });
    const tooBig = await live(server.url, 'heavy');
    expect(tooBig.status).toBe(413);
  });

  it('sends changes of one record on collections/<name>/<id> through /events', async () => {
    const server = await start();
    const { body: a } = await call(server.url, 'POST', '/collections/tasks/records', { n: 1 });
    const { body: b } = await call(server.url, 'POST', '/collections/tasks/records', { n: 2 });
    const es = new EventSource(`${server.url}/events?topic=collections/tasks/${a.id}`);
    cleanups.push(() => es.close());
    const seen: string[] = [];
    for (const type of ['insert', 'update', 'delete']) {
      es.addEventListener(type, (e) => seen.push(`${type}:${JSON.parse(e.data).id}`));
    }
    await new Promise<void>((resolve) => es.addEventListener('open', () => resolve()));
    await call(server.url, 'PATCH', `/collections/tasks/records/${b.id}`, { n: 3 });
    await call(server.url, 'PATCH', `/collections/tasks/records/${a.id}`, { n: 3 });
    await call(server.url, 'DELETE', `/collections/tasks/records/${a.id}`);
    await waitUntil(() => seen.length === 2, 15_000, 'two changes of record a');
    expect(seen).toEqual([`update:${a.id}`, `delete:${a.id}`]);
  });
});

describe('live collections: resume', () => {
  it('answers an unknown or foreign id with a fresh snapshot, never a bare reset', async () => {
    const server = await start();
    const { body: a } = await call(server.url, 'POST', '/collections/tasks/records', { n: 1 });
    for (const lastEventId of ['zzzzzzzz-99999', 'abc-1', 'not an id at all']) {
      const head = (await server.hub.log.position()).head;
      const stream = await live(server.url, 'tasks', { lastEventId });
      await waitUntil(() => stream.events.length >= 1, 15_000, `a first event for ${lastEventId}`);
      expect(stream.events[0]!.type, lastEventId).toBe('snapshot');
      expect(seqOf(stream.events[0]!.lastEventId)).toBe(head);
      expect(JSON.parse(stream.events[0]!.data).records).toEqual(await listAll(server.url, 'tasks'));
      await call(server.url, 'PATCH', `/collections/tasks/records/${a.id}`, { n: 2 });
      await waitUntil(() => stream.events.length === 2, 15_000, 'the change after the snapshot');
      expect(stream.events.map((e) => e.type)).toEqual(['snapshot', 'update']);
      stream.close();
      await call(server.url, 'PATCH', `/collections/tasks/records/${a.id}`, { n: 1 });
    }
  });

  it('answers an id whose history retention trimmed with a fresh snapshot', async () => {
    const server = await start({ retentionEvents: 5, retentionIntervalMs: 50 });
    const stream = await live(server.url, 'tasks');
    await waitUntil(() => stream.state.snapshots === 1, 15_000, 'the snapshot');
    const oldId = stream.state.lastEventId; // position 0: before everything
    stream.close();
    for (let i = 0; i < 20; i++) await call(server.url, 'POST', '/collections/tasks/records', { i });
    await waitUntil(
      () => (server.hub.log as SqliteEventLog).positionSync().trimmedThrough > 1,
      15_000,
      'retention to trim',
    );

    const resumed = await live(server.url, 'tasks', { lastEventId: oldId });
    await waitUntil(() => resumed.events.length >= 1, 15_000, 'the first event');
    expect(resumed.events[0]!.type).toBe('snapshot');
    expect(resumed.events.some((e) => e.type === 'reset')).toBe(false);
    expect(resumed.state.records.size).toBe(20);
  });
});
