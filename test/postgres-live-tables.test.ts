/**
 * Live tables over captured PostgreSQL tables (`/db/<table>/live`): a snapshot
 * read from PostgreSQL tied to the hub's log, then exactly the changes after it,
 * under concurrent writers; resume; reset when the slot is lost; read rules on
 * `/live`, on `/events` and on resume; the client SDK's liveCollection.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type LiveCollection } from '../src/client/index.js';
import type { ParsedEvent } from '../src/protocol/parser.js';
import { requireOrSkip } from './fixtures/cluster-redis.js';
import { startHub } from './support/hub-server.js';
import { changesOf, type Item, replayCounted, snapshotOf } from './support/live-table.js';
import { type PostgresServer, postgresInstalled, startPostgres } from './support/postgres-server.js';
import { runCli } from './support/run-cli.js';
import { openStream, type RecordedStream } from './support/sse-stream.js';
import { tempDir } from './support/temp-dir.js';
import { bearer, hsToken, TEST_SECRET } from './support/tokens.js';
import { waitUntil } from './support/wait.js';

const run = requireOrSkip(postgresInstalled(), 'PostgreSQL 15 server binaries (/usr/lib/postgresql/15/bin)');

describe.skipIf(!run)('live tables over captured PostgreSQL tables', () => {
  let pgServer: PostgresServer;

  beforeAll(async () => {
    pgServer = await startPostgres();
    await pgServer.query(`
      CREATE TABLE items (id int PRIMARY KEY, owner text NOT NULL, n int NOT NULL);
      CREATE TABLE busy (id int PRIMARY KEY, owner text NOT NULL, n int NOT NULL);
      CREATE TABLE secrets (id int PRIMARY KEY, owner text NOT NULL, n int NOT NULL);
      ALTER TABLE secrets REPLICA IDENTITY FULL;
      CREATE TABLE other (id int PRIMARY KEY);
    `);
  }, 120_000);

  afterAll(() => pgServer?.remove());

  const hubFor = (slot: string, tables: string[], extra: Record<string, unknown> = {}) =>
    startHub({ retryMs: 50, postgres: { url: pgServer.url, capture: tables, slot, publication: slot }, ...extra });

  const liveStream = (url: string, table: string, options: Parameters<typeof openStream>[2] = {}) =>
    openStream(url, [], { path: `/db/${table}/live`, ...options });

  it('sends a snapshot of the matching rows, then the changes after it in the live collection format', async () => {
    await pgServer.query(`INSERT INTO items VALUES (1, 'ann', 0), (2, 'bob', 0), (3, 'ann', 0)`);
    const hub = await hubFor('items_slot', ['items']);
    try {
      const stream = await liveStream(hub.url, 'items', { query: { 'where.owner': 'ann' } });
      expect(stream.status).toBe(200);
      await stream.waitFor((events) => events.some((e) => e.type === 'snapshot'));
      const snapshot = snapshotOf(stream);
      expect(snapshot.records).toEqual([
        { id: '1', data: { id: 1, owner: 'ann', n: 0 } },
        { id: '3', data: { id: 3, owner: 'ann', n: 0 } },
      ]);
      await pgServer.query(`BEGIN; UPDATE items SET n = 1 WHERE id = 1; UPDATE items SET owner = 'ann' WHERE id = 2;
        UPDATE items SET owner = 'bob' WHERE id = 3; INSERT INTO items VALUES (4, 'bob', 0); DELETE FROM items WHERE id = 1;
        INSERT INTO items VALUES (5, 'ann', 0); COMMIT;`);
      await stream.waitFor((events) => changesOf(events).some((c) => c.id === '5'));
      stream.close();
      // Out of the view: a delete; bob's new row: nothing. Without REPLICA IDENTITY FULL the row
      // before an update is unknown, so a row entering the view arrives as an update (applied as a set).
      expect(changesOf(stream.events).map((c) => `${c.op} ${c.id} ${c.record.data.owner ?? ''}`)).toEqual([
        'update 1 ann',
        'update 2 ann',
        'delete 3 ',
        'delete 1 ',
        'insert 5 ann',
      ]);
      expect(changesOf(stream.events)[0]?.collection).toBe('db/items');
      // The stream starts at the snapshot's position: every later event has a newer id.
      expect(stream.events.find((e) => e.type === 'snapshot')?.lastEventId).toBe(snapshot.position);

      // Capture lag in /metrics: stored up to the WAL end once quiet, and a commit-to-log delay measured.
      await waitUntil(async () =>
        /^ssehub_capture_lag_bytes 0$/m.test(await (await fetch(`${hub.url}/metrics`)).text()),
      );
      const metrics = await (await fetch(`${hub.url}/metrics`)).text();
      expect(Number(/^ssehub_capture_lag_seconds (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(0);

      const missing = await liveStream(hub.url, 'nope');
      expect(missing.status).toBe(404);
      expect(JSON.parse(missing.errorBody).error.message).toContain('No captured table "nope"');
    } finally {
      await hub.stop();
    }
  });

  it('refuses a snapshot with more matching rows than the limit, before the stream starts', async () => {
    await pgServer.query(`INSERT INTO other SELECT g FROM generate_series(1, 2500) g ON CONFLICT DO NOTHING`);
    const hub = await hubFor('limit_slot', ['other'], { collectionLimits: { maxSnapshotRecords: 2_000 } });
    try {
      const refused = await liveStream(hub.url, 'other');
      expect(refused.status).toBe(413);
      expect(JSON.parse(refused.errorBody).error.code).toBe('SNAPSHOT_TOO_LARGE');
      // Filtered below the limit (read in batches of 1,000 through a cursor), it is served.
      const narrow = await liveStream(hub.url, 'other', { query: { 'where.id': '2400' } });
      expect(narrow.status).toBe(200);
      await narrow.waitFor((events) => events.some((e) => e.type === 'snapshot'));
      narrow.close();
      expect(snapshotOf(narrow).records).toEqual([{ id: '2400', data: { id: 2400 } }]);
    } finally {
      await hub.stop();
    }
  });

  it('has no gap and no duplicate while writers commit concurrently with the snapshot reads', async () => {
    const hub = await hubFor('busy_slot', ['busy']);
    const rows = 30;
    await pgServer.query(`INSERT INTO busy SELECT g, 'w', 0 FROM generate_series(1, ${rows}) g ON CONFLICT DO NOTHING`);
    // Writers: each transaction adds 1 to n of two rows (so every row's n counts its updates
    // one by one) and inserts or deletes a row above the fixed ones.
    let writing = true;
    const writer = async (seed: number) => {
      const client = new pg.Client({ connectionString: pgServer.url });
      await client.connect();
      let i = 0;
      while (writing) {
        i++;
        const a = ((seed * 7 + i) % rows) + 1;
        const b = ((seed * 13 + i * 3) % rows) + 1;
        const extra = 1000 + seed * 100_000 + i;
        await client.query(
          `BEGIN; UPDATE busy SET n = n + 1 WHERE id = ${Math.min(a, b)}; UPDATE busy SET n = n + 1 WHERE id = ${Math.max(a, b)};
           INSERT INTO busy VALUES (${extra}, 'w', 0); DELETE FROM busy WHERE id = ${extra - 2}; COMMIT;`,
        );
      }
      await client.end();
    };
    const writers = [1, 2, 3].map(writer);
    const streams: RecordedStream[] = [];
    try {
      // Streams open one after another while the writers run: each snapshot lands amid commits.
      for (let i = 0; i < 12; i++) {
        const stream = await liveStream(hub.url, 'busy');
        expect(stream.status).toBe(200);
        streams.push(stream);
        await stream.waitFor((events) => events.some((e) => e.type === 'snapshot'));
      }
    } finally {
      writing = false;
      await Promise.all(writers);
    }
    // The end marker, written last: every stream has everything once it has this.
    await pgServer.query(`INSERT INTO busy VALUES (-1, 'end', 0)`);
    const final = await pgServer.query<Item>('SELECT * FROM busy ORDER BY id');
    try {
      for (const stream of streams) {
        await stream.waitFor((events) => changesOf(events).some((c) => c.id === '-1'), 30_000);
        stream.close();
        expect(replayCounted(stream)).toEqual(final);
      }
    } finally {
      for (const stream of streams) stream.close();
      await hub.stop();
    }
  }, 120_000);

  it('resumes from Last-Event-ID with only the missed changes, and sends a fresh snapshot after a slot loss', async () => {
    await pgServer.query(`DELETE FROM items; INSERT INTO items VALUES (10, 'ann', 0)`);
    const hub = await hubFor('resume_slot', ['items']);
    try {
      const first = await liveStream(hub.url, 'items');
      await first.waitFor((events) => events.some((e) => e.type === 'snapshot'));
      await pgServer.query(`UPDATE items SET n = 1 WHERE id = 10`);
      await first.waitFor((events) => changesOf(events).length === 1);
      first.close();
      const lastId = first.ids[first.ids.length - 1] as string;
      await pgServer.query(`UPDATE items SET n = 2 WHERE id = 10; INSERT INTO items VALUES (11, 'ann', 0)`);
      const resumed = await liveStream(hub.url, 'items', { lastEventId: lastId });
      await resumed.waitFor((events) => changesOf(events).some((c) => c.id === '11'));
      expect(resumed.events.some((e) => e.type === 'snapshot')).toBe(false);
      expect(changesOf(resumed.events).map((c) => `${c.op} ${c.id} ${c.record.data.n}`)).toEqual([
        'update 10 2',
        'insert 11 0',
      ]);

      await pgServer.dropSlot('resume_slot');
      await resumed.waitFor((events) => events.some((e) => e.type === 'reset'), 30_000);
      expect(JSON.parse(resumed.events.find((e) => e.type === 'reset')?.data ?? '').reason).toBe('source-lost');
      resumed.close();
      // Resuming after the reset's id is ordinary; a fresh open reads a snapshot holding what the log missed.
      await pgServer.query(`INSERT INTO items VALUES (12, 'ann', 0)`);
      const fresh = await liveStream(hub.url, 'items');
      await fresh.waitFor((events) => events.some((e) => e.type === 'snapshot'), 30_000);
      expect(snapshotOf(fresh).records.map((r) => r.id)).toEqual(['10', '11', '12']);
      fresh.close();
    } finally {
      await hub.stop();
    }
  }, 60_000);

  it('keeps the client SDK liveCollection current, through a slot loss', async () => {
    await pgServer.query(`DELETE FROM items; INSERT INTO items VALUES (20, 'ann', 0), (21, 'bob', 0)`);
    const hub = await hubFor('client_slot', ['items']);
    let live: LiveCollection<Item> | undefined;
    try {
      const client = createClient({ url: hub.url, transport: 'fetch' });
      const resets: string[] = [];
      live = client.liveCollection<Item>('db/items', {
        where: { owner: 'ann' },
        onReset: (info) => resets.push(info.reason),
      });
      const ready = live;
      await waitUntil(() => ready.ready, 15_000, 'the snapshot');
      expect(ready.records.map((r) => r.id)).toEqual(['20']);
      await pgServer.query(`UPDATE items SET owner = 'ann' WHERE id = 21; UPDATE items SET n = 5 WHERE id = 20`);
      await waitUntil(() => ready.records.length === 2 && ready.get('20')?.data.n === 5, 15_000, 'the changes');
      await pgServer.dropSlot('client_slot');
      // Written while capture has no slot: only the fresh snapshot after the reset can know it.
      await pgServer.query(`UPDATE items SET n = 6 WHERE id = 20`);
      await waitUntil(() => ready.get('20')?.data.n === 6, 30_000, 'the refetched snapshot');
      expect(resets).toEqual(['source-lost']);
      expect(ready.records.map((r) => `${r.id}:${r.data.owner}`)).toEqual(['20:ann', '21:ann']);
    } finally {
      live?.close();
      await hub.stop();
    }
  }, 60_000);

  it('waits for a commit that is decoded before it is visible (synchronous replication stalled)', async () => {
    await pgServer.query('CREATE TABLE gate (id int PRIMARY KEY)');
    const hub = await hubFor('gate_slot', ['gate']);
    const writer = new pg.Client({ connectionString: pgServer.url });
    await writer.connect();
    writer.on('error', () => {});
    try {
      // No standby named 'ghost' exists: a commit is flushed (and decoded) but waits, invisible.
      await pgServer.query(`ALTER SYSTEM SET synchronous_standby_names = 'ghost'`);
      await pgServer.query('SELECT pg_reload_conf()');
      await waitUntil(
        async () =>
          (await pgServer.query<{ s: string }>("SELECT current_setting('synchronous_standby_names') AS s"))[0]?.s ===
          'ghost',
      );
      const pending = writer.query('INSERT INTO gate VALUES (1)');
      await waitUntil(
        async () => (await pgServer.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event = 'SyncRep'`)).length > 0,
        30_000,
        'the commit waiting for the standby',
      );
      // The WAL sender has sent the hub everything up to here, that commit included.
      const [{ lsn } = { lsn: '' }] = await pgServer.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      await waitUntil(
        async () =>
          (await pgServer.query('SELECT 1 FROM pg_stat_replication WHERE sent_lsn >= $1::pg_lsn', [lsn])).length > 0,
      );
      // Opened while the commit is decoded but not visible: its snapshot cannot hold it.
      const opening = liveStream(hub.url, 'gate');
      await pgServer.query('ALTER SYSTEM RESET synchronous_standby_names');
      await pgServer.query('SELECT pg_reload_conf()');
      await pending;
      const stream = await opening;
      expect(stream.status).toBe(200);
      await pgServer.query('INSERT INTO gate VALUES (99)'); // the end marker
      await stream.waitFor((events) => changesOf(events).some((c) => c.id === '99'));
      stream.close();
      const ids = new Set(snapshotOf(stream).records.map((r) => r.id));
      for (const change of changesOf(stream.events)) ids.add(change.id);
      expect([...ids].sort()).toEqual(['1', '99']);
    } finally {
      await pgServer.query('ALTER SYSTEM RESET synchronous_standby_names').catch(() => {});
      await pgServer.query('SELECT pg_reload_conf()').catch(() => {});
      await writer.end().catch(() => {});
      await hub.stop();
    }
  }, 60_000);

  describe('read rules', () => {
    const rules = { secrets: { rules: { read: 'auth != null && row.owner == auth.sub' } } };
    it('refuse a rule on a table whose updates do not carry the old row, or a table not captured', async () => {
      const noFull = startHub({
        postgres: {
          url: pgServer.url,
          capture: ['items'],
          slot: 'rule_slot',
          publication: 'rule_slot',
          tables: { items: rules.secrets },
        },
      });
      await expect(noFull).rejects.toMatchObject({
        code: 'CAPTURE_UNAVAILABLE',
        message: expect.stringContaining('REPLICA IDENTITY FULL'),
      });
      const notCaptured = startHub({
        postgres: { url: pgServer.url, capture: ['items'], slot: 'rule_slot', tables: { other: rules.secrets } },
      });
      await expect(notCaptured).rejects.toMatchObject({
        code: 'INVALID_CONFIG',
        message: expect.stringContaining('public.items'),
      });
      const writeRule = startHub({
        postgres: {
          url: pgServer.url,
          capture: ['secrets'],
          slot: 'rule_slot',
          tables: { secrets: { rules: { update: 'true' } } },
        },
      });
      await expect(writeRule).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    });

    it('are read from --capture-config by serve, which names a broken rule and its position', async () => {
      const dir = tempDir();
      try {
        const file = join(dir.path, 'capture.json');
        writeFileSync(file, JSON.stringify({ secrets: { rules: { read: 'row.owner ==' } } }));
        const args = ['serve', '--port', '0', '--data-dir', dir.path, '--postgres', pgServer.url];
        const broken = await runCli([...args, '--capture', 'secrets', '--capture-config', file]);
        expect(broken.code).not.toBe(0);
        expect(broken.stdout + broken.stderr).toMatch(/postgres\.tables\.public\.secrets\.rules\.read: .* at line 1/);
        writeFileSync(file, JSON.stringify({ secrets: { rules: { read: 'true' }, schema: {} } }));
        const unknown = await runCli([...args, '--capture', 'secrets', '--capture-config', file]);
        expect(unknown.stdout + unknown.stderr).toMatch(/"secrets" has unknown settings: schema/);
      } finally {
        dir.remove();
      }
    }, 60_000);

    it('show a reader only the rows its rule allows: on /live, on /events db/**, and on resume', async () => {
      await pgServer.query(`INSERT INTO secrets VALUES (1, 'alice', 0), (2, 'bob', 0)`);
      const hub = await startHub({
        retryMs: 50,
        jwtSecret: TEST_SECRET,
        postgres: {
          url: pgServer.url,
          capture: ['secrets'],
          slot: 'secrets_slot',
          publication: 'secrets_slot',
          tables: rules,
        },
      });
      try {
        const alice = bearer(await hsToken({ sub: 'alice', rights: { subscribe: ['db/**'] } }));
        const admin = bearer(await hsToken({ sub: 'root', rights: { subscribe: ['**'], admin: true } }));
        // Without a right on db/: refused, and the same refusal for a table that is not captured (no probing).
        const eve = bearer(await hsToken({ sub: 'eve', rights: { subscribe: ['collections/**'] } }));
        for (const table of ['secrets', 'not_captured']) {
          const anonymous = await fetch(`${hub.url}/db/${table}/live`);
          expect([anonymous.status, ((await anonymous.json()) as { error: { code: string } }).error.code]).toEqual([
            401,
            'TOKEN_MISSING',
          ]);
          const other = await fetch(`${hub.url}/db/${table}/live`, { headers: eve });
          expect([other.status, ((await other.json()) as { error: { code: string } }).error.code]).toEqual([
            403,
            'FORBIDDEN',
          ]);
        }
        const unknown = await fetch(`${hub.url}/db/not_captured/live`, { headers: alice });
        expect(unknown.status).toBe(404);
        const startId = (await hub.hub.hub.historyBounds()).head;
        const live = await liveStream(hub.url, 'secrets', { headers: alice });
        const events = await openStream(hub.url, ['db/**'], { headers: alice });
        const everything = await openStream(hub.url, ['db/**'], { headers: admin });
        await live.waitFor((e) => e.some((x) => x.type === 'snapshot'));
        expect(snapshotOf(live).records).toEqual([{ id: '1', data: { id: 1, owner: 'alice', n: 0 } }]);
        await pgServer.query(`INSERT INTO secrets VALUES (3, 'bob', 0)`);
        await pgServer.query(`UPDATE secrets SET n = 1 WHERE id = 2`);
        await pgServer.query(`UPDATE secrets SET owner = 'bob' WHERE id = 1`);
        await pgServer.query(`UPDATE secrets SET owner = 'alice' WHERE id = 2`);
        await pgServer.query(`UPDATE secrets SET owner = 'bob', n = 7 WHERE id = 2`);
        await pgServer.query(`DELETE FROM secrets WHERE id IN (1, 3)`);
        await pgServer.query(`INSERT INTO secrets VALUES (99, 'alice', 0)`); // the end marker
        const ended = (list: readonly ParsedEvent[]) => list.some((e) => e.data.includes('"id":99'));
        const replayed = await openStream(hub.url, ['db/**'], { headers: alice, lastEventId: startId });
        const liveReplayed = await liveStream(hub.url, 'secrets', { headers: alice, lastEventId: startId });
        for (const stream of [live, events, everything, replayed, liveReplayed]) await stream.waitFor(ended);
        for (const stream of [live, events, everything, replayed, liveReplayed]) stream.close();
        // The admin saw bob's rows: the test would notice if they were never written.
        expect(everything.events.some((e) => e.data.includes('"bob"'))).toBe(true);
        for (const stream of [live, events, replayed, liveReplayed]) {
          for (const event of stream.events) {
            expect(event.data).not.toContain('bob');
            expect(event.data).not.toMatch(/"id":3\b/);
            expect(event.data).not.toContain('"n":7');
          }
        }
        // Row 1 left alice's view (a delete of what she had), row 2 entered it then left.
        expect(changesOf(live.events).map((c) => `${c.op} ${c.id}`)).toEqual([
          'delete 1',
          'insert 2',
          'delete 2',
          'insert 99',
        ]);
        const types = (list: readonly ParsedEvent[]) => list.map((e) => e.type).filter((t) => t !== 'session');
        expect(types(events.events)).toEqual(['delete', 'insert', 'delete', 'insert']);
        expect(types(replayed.events)).toEqual(['delete', 'insert', 'delete', 'insert']);
      } finally {
        await hub.stop();
      }
    }, 60_000);
  });
});
