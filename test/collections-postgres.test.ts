/**
 * Collections on PostgreSQL on one node: a write's change event reaches the log
 * through change capture, so the log lags PostgreSQL by a moment. These tests
 * widen that moment (capture's appends are held back) and check the two
 * promises that depend on it: a write answers only once its event is in the
 * log, and a live snapshot taken meanwhile neither repeats nor misses it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventInput } from '../src/log/event-log.js';
import type { RunningServer } from '../src/server.js';
import { call, listAll, openLive } from './fixtures/collections-support.js';
import { collectionStores } from './support/collection-stores.js';
import { startHub } from './support/hub-server.js';
import { postgresInstalled } from './support/postgres-server.js';
import { tempDir } from './support/temp-dir.js';
import { waitUntil } from './support/wait.js';

const CAPTURE_DELAY_MS = 300;

describe.skipIf(!postgresInstalled())('collections on PostgreSQL with change capture lagging', () => {
  const stores = collectionStores();
  let hub: RunningServer & { stop(): Promise<void> };

  beforeAll(async () => {
    hub = await startHub(await stores.options('postgres'));
    // Capture stores each group of transactions only after a pause, as a busy or remote log would.
    const checkpoints = hub.hub.log.checkpoints!;
    const append = checkpoints.appendWithCheckpoint.bind(checkpoints);
    checkpoints.appendWithCheckpoint = async (chunks: Iterable<readonly EventInput[]>, key: string, value: string) => {
      const all = [...chunks];
      await new Promise((resolve) => setTimeout(resolve, CAPTURE_DELAY_MS));
      return append(all, key, value);
    };
  }, 120_000);

  afterAll(async () => {
    await hub?.stop();
    stores.remove();
  });

  it('answers a write only once its change event is in the log', async () => {
    const started = Date.now();
    const created = await call(hub.url, 'POST', '/collections/notes/records', { text: 'a' });
    expect(created.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(CAPTURE_DELAY_MS - 10);
    const events = await hub.hub.log.readAfter(0, 1000);
    const mine = events.filter((e) => e.topics.includes(`collections/notes/${created.body.id}`));
    expect(mine.map((e) => [e.type, JSON.parse(e.data).record])).toEqual([['insert', created.body]]);
    const patched = await call(hub.url, 'PATCH', `/collections/notes/records/${created.body.id}`, { b: 1 });
    const after = await hub.hub.log.readAfter(events.at(-1)?.seq ?? 0, 1000);
    expect(after.map((e) => [e.type, JSON.parse(e.data).record, JSON.parse(e.data).previous])).toEqual([
      ['update', patched.body, created.body],
    ]);
  });

  it('ties a snapshot taken while a committed write is still on its way to the log: no duplicate, no gap', async () => {
    const writing = call(hub.url, 'POST', '/collections/race/records', { text: 'in flight' });
    // The write has committed in PostgreSQL; its event is held back in capture.
    await waitUntil(
      async () =>
        (await stores.query("SELECT 1 FROM ssehub_collection_records WHERE collection = 'race'")).length === 1,
      15_000,
      'the write to commit',
    );
    const stream = await openLive(hub.url, 'race');
    try {
      expect(stream.status).toBe(200);
      const written = await writing;
      expect(written.status).toBe(201);
      const end = await call(hub.url, 'POST', '/collections/race/records', { end: true });
      await waitUntil(() => stream.state.records.has(end.body.id), 15_000, 'the end marker');
      expect(stream.state.duplicates).toEqual([]);
      expect(stream.state.sorted()).toEqual(await listAll(hub.url, 'race'));
      // The snapshot held the in-flight write (its position is after the write's event): only the marker followed.
      expect(stream.events.map((e) => e.type)).toEqual(['snapshot', 'insert']);
      expect(JSON.parse(stream.events[0]!.data).records).toEqual([written.body]);
    } finally {
      stream.close();
    }
  });

  it('ties a snapshot to the log when the database wrote nothing captured since the last captured commit', async () => {
    await call(hub.url, 'POST', '/collections/quiet/records', { text: 'before' });
    // WAL after the last captured commit that capture never sees as a transaction (pgoutput skips it as
    // empty): the checkpoint reaches the snapshot's position only from PostgreSQL's keepalives.
    await stores.query('CREATE TABLE IF NOT EXISTS not_captured (n int)');
    await stores.query('INSERT INTO not_captured VALUES (1)');
    const stream = await openLive(hub.url, 'quiet');
    try {
      expect(stream.status).toBe(200);
      const end = await call(hub.url, 'POST', '/collections/quiet/records', { end: true });
      await waitUntil(() => stream.state.records.has(end.body.id), 15_000, 'the end marker');
      expect(stream.state.duplicates).toEqual([]);
      expect(stream.state.sorted()).toEqual(await listAll(hub.url, 'quiet'));
    } finally {
      stream.close();
    }
  });

  it('answers 503 STORE_UNAVAILABLE while PostgreSQL is down, and writes again once it is back', async () => {
    const { body: kept } = await call(hub.url, 'POST', '/collections/outage/records', { n: 1 });
    const pg = await stores.cluster();
    await pg.stop('fast');
    try {
      const write = await call(hub.url, 'POST', '/collections/outage/records', { n: 2 });
      expect([write.status, write.body.error.code]).toEqual([503, 'STORE_UNAVAILABLE']);
      const read = await call(hub.url, 'GET', `/collections/outage/records/${kept.id}`);
      expect([read.status, read.body.error.code]).toEqual([503, 'STORE_UNAVAILABLE']);
      const live = await call(hub.url, 'GET', '/collections/outage/live');
      expect([live.status, live.body.error.code]).toEqual([503, 'STORE_UNAVAILABLE']);
    } finally {
      await pg.start();
    }
    // Once capture streams again, a write is answered with its event in the log as before.
    await waitUntil(
      async () => (await call(hub.url, 'POST', '/collections/outage/records', { n: 3 })).status === 201,
      30_000,
      'writes to work again',
    );
    // The refused write left nothing; every stored record has exactly one insert event in the log.
    const records = await listAll(hub.url, 'outage');
    expect(records.map((r) => r.data.n)).not.toContain(2);
    const inserts = (await hub.hub.log.readAfter(0, 10_000))
      .filter((e) => e.type === 'insert' && e.topics[0] === 'collections/outage')
      .map((e) => JSON.parse(e.data).id as string);
    expect(inserts.sort()).toEqual(records.map((r) => r.id).sort());
  }, 90_000);
});

describe.skipIf(!postgresInstalled())('collections already in SQLite when --postgres is added', () => {
  const stores = collectionStores();
  afterAll(() => stores.remove());

  it('refuses to hide them behind PostgreSQL, and keeps them in SQLite with collections: false', async () => {
    const dir = tempDir();
    try {
      const embedded = await startHub({ dataDir: dir.path });
      const { body: kept } = await call(embedded.url, 'POST', '/collections/notes/records', { text: 'in sqlite' });
      await embedded.stop();

      const postgres = (await stores.options('postgres')).postgres!;
      await expect(startHub({ dataDir: dir.path, postgres })).rejects.toThrow(
        /hold records in the embedded SQLite log.*--no-postgres-collections/,
      );
      // Capture only: the records stay where they are, and PostgreSQL gets no collections tables.
      await stores.query('CREATE TABLE orders (id int PRIMARY KEY)');
      const hub = await startHub({
        dataDir: dir.path,
        postgres: { ...postgres, capture: ['orders'], collections: false },
      });
      try {
        expect((await listAll(hub.url, 'notes')).map((r) => r.id)).toEqual([kept.id]);
        expect((await call(hub.url, 'POST', '/collections/notes/records', { text: 'also sqlite' })).status).toBe(201);
        const tables = await stores.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'ssehub_collection_records' AND schemaname = 'public'",
        );
        expect(tables[0]?.n).toBe(1); // created by the refused start above, left empty
        expect(await stores.query('SELECT * FROM ssehub_collection_records')).toEqual([]);
      } finally {
        await hub.stop();
      }
    } finally {
      dir.remove();
    }
  }, 120_000);
});

describe.skipIf(!postgresInstalled())('collections on PostgreSQL when the source loses history', () => {
  const stores = collectionStores();
  afterAll(() => stores.remove());

  it('sends live collection streams a reset when the replication slot is dropped, then carries on', async () => {
    const options = await stores.options('postgres');
    const slot = options.postgres!.slot!;
    const hub = await startHub(options);
    try {
      await call(hub.url, 'POST', '/collections/notes/records', { text: 'before' });
      const stream = await openLive(hub.url, 'notes');
      await waitUntil(() => stream.state.snapshots === 1, 15_000, 'the snapshot');
      const pg = await stores.cluster();
      // Dropping an active slot needs its walsender gone first.
      await waitUntil(
        async () => {
          await pg.query('SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1', [
            slot,
          ]);
          return pg.query('SELECT pg_drop_replication_slot($1)', [slot]).then(
            () => true,
            () => false,
          );
        },
        30_000,
        'the slot to be dropped',
      );
      await waitUntil(() => stream.events.some((e) => e.type === 'reset'), 30_000, 'a reset on the live stream');
      stream.close();
      const reset = stream.events.find((e) => e.type === 'reset');
      expect(JSON.parse(reset?.data ?? '')).toEqual(
        expect.objectContaining({ reason: 'source-lost', detail: expect.stringContaining('dropped') }),
      );
      // Capture continues from a new slot: writes are answered with their events again.
      await waitUntil(
        async () => (await call(hub.url, 'POST', '/collections/notes/records', { text: 'after' })).status === 201,
        30_000,
        'a write after the reset',
      );
    } finally {
      await hub.stop();
    }
  }, 120_000);
});

describe.skipIf(!postgresInstalled())('collections on PostgreSQL: snapshots read while writers commit', () => {
  const stores = collectionStores();
  afterAll(() => stores.remove());

  it('holds the writers of a collection while its snapshot is read, so none falls between the read and its position', async () => {
    const hub = await startHub(await stores.options('postgres'));
    let writing = true;
    let writer: Promise<void> = Promise.resolve();
    try {
      // Enough records (under the 10,000 a snapshot may hold) that reading them takes a while: writes then land during the read.
      await stores.query(
        `INSERT INTO ssehub_collection_records (collection, id, data, version, created_at, updated_at)
         SELECT 'big', lpad(g::text, 26, '0'), json_build_object('n', g, 'pad', repeat('x', 200)), 1, 0, 0
         FROM generate_series(1, 9000) g`,
      );
      writer = (async () => {
        let n = 0;
        while (writing) {
          const reply = await call(hub.url, 'POST', '/collections/big/records', { n: `w${n++}` });
          expect(reply.status).toBe(201);
        }
      })();
      const streams = [];
      for (let i = 0; i < 6; i++) {
        const stream = await openLive(hub.url, 'big');
        expect(stream.status).toBe(200);
        streams.push(stream);
      }
      writing = false;
      await writer;
      const end = await call(hub.url, 'POST', '/collections/big/records', { end: true });
      const expected = await listAll(hub.url, 'big', '', 1000);
      for (const [i, stream] of streams.entries()) {
        await waitUntil(() => stream.state.records.has(end.body.id), 60_000, `the end marker on stream ${i}`);
        expect(stream.state.duplicates, `stream ${i}`).toEqual([]);
        expect(stream.state.records.size, `stream ${i}`).toBe(expected.length);
        stream.close();
      }
    } finally {
      writing = false;
      await writer.catch(() => {});
      await hub.stop();
    }
  }, 180_000);
});
