/**
 * Change capture from a real PostgreSQL 15 (a private cluster per file, see
 * test/support/postgres-server.ts) into the hub's log and out over SSE.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireOrSkip } from './fixtures/cluster-redis.js';
import { startHub } from './support/hub-server.js';
import { type PostgresServer, postgresInstalled, startPostgres } from './support/postgres-server.js';
import { runCli } from './support/run-cli.js';
import { openStream } from './support/sse-stream.js';
import { tempDir } from './support/temp-dir.js';
import { waitUntil } from './support/wait.js';

const available = postgresInstalled();
const run = requireOrSkip(available, 'PostgreSQL 15 server binaries (/usr/lib/postgresql/15/bin)');

interface Change {
  table: string;
  op: string;
  key: Record<string, unknown>;
  row: Record<string, unknown> | null;
  old?: Record<string, unknown>;
  unchanged?: string[];
}

describe.skipIf(!run)('change capture from PostgreSQL', () => {
  let pg: PostgresServer;

  beforeAll(async () => {
    pg = await startPostgres();
    await pg.query(`
      CREATE TABLE types (
        id bigint PRIMARY KEY, n numeric, i int, s smallint, f double precision, b boolean, t text,
        ts timestamp, tstz timestamptz, bin bytea, j json, jb jsonb, u uuid, big text);
      CREATE TABLE orders (id serial PRIMARY KEY, customer text NOT NULL, total numeric);
      CREATE TABLE lines (order_id int, line int, sku text, PRIMARY KEY (order_id, line));
      CREATE TABLE nokey (a int, b text);
      CREATE TABLE fullid (a int, b text); ALTER TABLE fullid REPLICA IDENTITY FULL;
      CREATE TABLE bulk (id int PRIMARY KEY, v text);
    `);
  }, 120_000);

  afterAll(() => pg?.remove());

  async function hubFor(tables: string[], slot = 'ssehub', dataDir?: string) {
    return startHub({
      ...(dataDir !== undefined && { dataDir }),
      postgres: { url: pg.url, capture: tables, slot, publication: slot },
    });
  }

  async function changesIn(hub: Awaited<ReturnType<typeof startHub>>) {
    const events = await hub.hub.log.readAfter(0, 1_000_000);
    return events.map((e) => ({ topics: e.topics, type: e.type, data: JSON.parse(e.data) as Change }));
  }

  it('round-trips every column type with its meaning kept in JSON', async () => {
    const hub = await hubFor(['public.types'], 'types_slot');
    try {
      const stream = await openStream(hub.url, ['db/types/**']);
      await pg.query(`INSERT INTO types VALUES (
        9007199254740993, 12345678901234567890.123456789, 42, -7, 1.5, true, 'héllo',
        '2024-02-29 12:34:56.123456', '2024-02-29 12:34:56.5+02', '\\x00ff10', '{"a":[1,2]}', '{"b": {"c": null}}',
        'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
        (SELECT string_agg(md5(g::text), '') FROM generate_series(1, 3000) g))`);
      await pg.query(`UPDATE types SET i = 43 WHERE id = 9007199254740993`);
      await pg.query(`DELETE FROM types WHERE id = 9007199254740993`);
      await stream.waitFor((events) => events.length >= 3);
      stream.close();
      const [insert, update, del] = stream.events;
      expect(insert?.type).toBe('insert');
      const row = (JSON.parse(insert?.data ?? '') as Change).row as Record<string, unknown>;
      expect({ ...row, big: (row.big as string).length }).toEqual({
        id: '9007199254740993',
        n: '12345678901234567890.123456789',
        i: 42,
        s: -7,
        f: 1.5,
        b: true,
        t: 'héllo',
        ts: '2024-02-29T12:34:56.123456',
        tstz: '2024-02-29T10:34:56.5Z',
        bin: Buffer.from([0, 255, 16]).toString('base64'),
        j: { a: [1, 2] },
        jb: { b: { c: null } },
        u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
        big: 96000,
      });
      // The TOASTed 100 kB text was not changed by the update: left out and named, not null.
      const updated = JSON.parse(update?.data ?? '') as Change;
      expect(update?.type).toBe('update');
      expect(updated.row?.i).toBe(43);
      expect('big' in (updated.row ?? {})).toBe(false);
      expect(updated.unchanged).toEqual(['big']);
      expect(updated.key).toEqual({ id: '9007199254740993' });
      const deleted = JSON.parse(del?.data ?? '') as Change;
      expect(del?.type).toBe('delete');
      expect(deleted.row).toBeNull();
      expect(deleted.old).toEqual(expect.objectContaining({ id: '9007199254740993' }));
      const stored = await changesIn(hub);
      expect(stored[0]?.topics).toEqual(['db/types', 'db/types/9007199254740993']);
    } finally {
      await hub.stop();
    }
  });

  it('appends a transaction mixing tables as one batch, in commit order', async () => {
    const hub = await hubFor(['orders', 'public.lines', 'fullid'], 'mixed_slot');
    try {
      await pg.query(`BEGIN;
        INSERT INTO orders (customer, total) VALUES ('ann', 10.50);
        INSERT INTO lines VALUES (1, 1, 'a/b*c'), (1, 2, 'x');
        UPDATE orders SET total = 11 WHERE id = 1;
        INSERT INTO fullid VALUES (1, 'one');
        COMMIT;`);
      await pg.query(`DELETE FROM fullid`);
      await waitUntil(async () => (await changesIn(hub)).length >= 6, 10_000, 'six changes');
      const changes = await changesIn(hub);
      expect(changes.map((c) => `${c.type} ${c.topics.join(' ')}`)).toEqual([
        'insert db/orders db/orders/1',
        'insert db/lines db/lines/1,1',
        'insert db/lines db/lines/1,2',
        'update db/orders db/orders/1',
        'insert db/fullid db/fullid/1,one',
        'delete db/fullid db/fullid/1,one',
      ]);
      // One transaction, one append: the five events share an append time and are contiguous.
      const events = await hub.hub.log.readAfter(0, 10);
      expect(new Set(events.slice(0, 5).map((e) => e.time)).size).toBe(1);
      expect(changes[5]?.data.old).toEqual({ a: 1, b: 'one' });
      const health = (await (await fetch(`${hub.url}/healthz`)).json()) as { capture: { state: string } };
      expect(health.capture.state).toBe('streaming');
    } finally {
      await hub.stop();
    }
  });

  it('refuses to start with errors that name the fix', async () => {
    const bad = (tables: string[], url = pg.url) =>
      startHub({ postgres: { url, capture: tables, slot: 'err_slot', publication: 'err_slot' } }).then(
        async (h) => {
          await h.stop();
          return 'started';
        },
        (err: Error & { code?: string }) => `${err.code}: ${err.message}`,
      );
    expect(await bad(['public.missing'])).toMatch(/CAPTURE_UNAVAILABLE: The table public.missing does not exist/);
    expect(await bad(['nokey'])).toMatch(/has no primary key.*REPLICA IDENTITY FULL/);
    expect(await bad(['orders'], 'postgres://postgres@127.0.0.1:1/postgres')).toMatch(/Cannot reach PostgreSQL/);
    await pg.query('CREATE ROLE plain LOGIN');
    // It may create the collections' tables: what it lacks is the replication privilege.
    await pg.query('GRANT CREATE ON SCHEMA public TO plain');
    const plain = pg.url.replace('postgres@', 'plain@');
    expect(await bad(['orders'], plain)).toMatch(/lacks the replication privilege; grant it with ALTER ROLE/);
    const replica = await startPostgres({ wal_level: 'replica' });
    try {
      await replica.query('CREATE TABLE orders (id int PRIMARY KEY)');
      expect(await bad(['orders'], replica.url)).toMatch(
        /wal_level = replica; change capture needs wal_level = logical/,
      );
    } finally {
      replica.remove();
    }
  }, 120_000);

  it('streams a 100,000-row transaction as one append', async () => {
    const hub = await hubFor(['bulk'], 'bulk_slot');
    try {
      await pg.query(`INSERT INTO bulk SELECT g, 'v' || g FROM generate_series(1, 100000) g`);
      await pg.query(`INSERT INTO bulk VALUES (0, 'marker')`);
      await waitUntil(async () => (await hub.hub.log.position()).head >= 100_001, 60_000, '100,001 events');
      const events = await hub.hub.log.readAfter(0, 200_000);
      expect(events).toHaveLength(100_001);
      expect((JSON.parse(events[99_999]?.data ?? '') as Change).key).toEqual({ id: 100000 });
    } finally {
      await hub.stop();
    }
  }, 120_000);

  it('resumes after a PostgreSQL restart and resets readers when the slot is dropped', async () => {
    const dir = tempDir();
    let hub = await hubFor(['orders'], 'restart_slot', dir.path);
    try {
      const before = (await hub.hub.log.position()).head;
      await pg.query(`INSERT INTO orders (customer) VALUES ('before-restart')`);
      await waitUntil(async () => (await hub.hub.log.position()).head === before + 1, 10_000, 'first change');
      await pg.stop();
      const captureState = async () =>
        ((await (await fetch(`${hub.url}/healthz`)).json()) as { capture: { state: string } }).capture.state;
      // While PostgreSQL is down, /healthz says so (the hub itself keeps serving).
      await waitUntil(async () => (await captureState()) === 'down', 30_000, 'capture state down');
      await pg.start();
      await pg.query(`INSERT INTO orders (customer) VALUES ('after-restart')`);
      await waitUntil(async () => (await hub.hub.log.position()).head === before + 2, 30_000, 'change after restart');
      const stream = await openStream(hub.url, ['db/orders/**']);
      await pg.dropSlot('restart_slot');
      await stream.waitFor((events) => events.some((e) => e.type === 'reset'), 30_000);
      const reset = stream.events.find((e) => e.type === 'reset');
      expect(JSON.parse(reset?.data ?? '')).toEqual(
        expect.objectContaining({ reason: 'source-lost', detail: expect.stringContaining('dropped') }),
      );
      await pg.query(`INSERT INTO orders (customer) VALUES ('after-reset')`);
      await stream.waitFor((events) => events.some((e) => e.data.includes('after-reset')), 30_000);
      stream.close();
      // A restarted hub does not repeat anything.
      const head = (await hub.hub.log.position()).head;
      await hub.stop();
      hub = await hubFor(['orders'], 'restart_slot', dir.path);
      await pg.query(`INSERT INTO orders (customer) VALUES ('end-marker')`);
      await waitUntil(async () => (await hub.hub.log.position()).head === head + 1, 10_000, 'end marker');
      const customers = (await changesIn(hub)).map((c) => c.data.row?.customer ?? c.type);
      expect(customers.slice(-5)).toEqual(['before-restart', 'after-restart', 'reset', 'after-reset', 'end-marker']);
    } finally {
      await hub.stop();
      dir.remove();
    }
  }, 120_000);

  it('resets readers when the database behind the URL was replaced', async () => {
    const dir = tempDir();
    const other = await startPostgres();
    try {
      await other.query('CREATE TABLE orders (id serial PRIMARY KEY, customer text NOT NULL, total numeric)');
      const options = (url: string) => ({
        dataDir: dir.path,
        postgres: { url, capture: ['orders'], slot: 'replaced_slot', publication: 'replaced_slot' },
      });
      let hub = await startHub(options(pg.url));
      await pg.query(`INSERT INTO orders (customer) VALUES ('first database')`);
      await waitUntil(async () => (await hub.hub.log.position()).head === 1, 10_000, 'first change');
      const lastId = (await hub.hub.log.readAfter(0, 1))[0]?.id as string;
      await hub.close();
      // Same URL shape, another cluster: its system identifier differs from the stored checkpoint's.
      hub = await startHub(options(other.url));
      try {
        const resumed = await openStream(hub.url, ['db/orders/**'], { lastEventId: lastId });
        await resumed.waitFor((events) => events.some((e) => e.type === 'reset'), 10_000);
        resumed.close();
        const reset = JSON.parse(resumed.events.find((e) => e.type === 'reset')?.data ?? '');
        expect(reset.reason).toBe('source-lost');
        expect(reset.detail).toMatch(/the database was replaced \(system identifier/);
      } finally {
        await hub.close();
      }
    } finally {
      other.remove();
      dir.remove();
    }
  }, 120_000);

  it('serve names the fix when the capture flags are incomplete or the server is down', async () => {
    const alone = await runCli(['serve', '--ephemeral', '--capture', 'orders']);
    expect(alone.code).not.toBe(0);
    expect(alone.stdout + alone.stderr).toMatch(/--capture needs --postgres <url>/);
    const stray = await runCli(['serve', '--ephemeral', '--no-postgres-collections']);
    expect(stray.stdout + stray.stderr).toMatch(/--no-postgres-collections needs --postgres <url>/);
    const ephemeral = await runCli(['serve', '--ephemeral', '--postgres', pg.url]);
    expect(ephemeral.code).not.toBe(0);
    expect(ephemeral.stdout + ephemeral.stderr).toMatch(/need a durable log with checkpoints .*remove --ephemeral/);
    const dir = tempDir();
    const unreachable = await runCli(['serve', '--port', '0', '--data-dir', dir.path, '--capture', 'orders'], {
      SSEHUB_POSTGRES_URL: 'postgres://postgres@127.0.0.1:1/postgres',
    });
    dir.remove();
    expect(unreachable.code).not.toBe(0);
    expect(unreachable.stdout + unreachable.stderr).toMatch(
      /Cannot reach PostgreSQL at postgres:\/\/postgres@127.0.0.1:1/,
    );
  }, 60_000);

  it('refuses native publishes under db/', async () => {
    const hub = await startHub();
    try {
      const res = await fetch(`${hub.url}/publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ topic: 'db/orders', data: 'forged' }),
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/reserved.*change capture/);
    } finally {
      await hub.stop();
    }
  });
});
