/**
 * Exactly once across a crash: the hub (a real `ssehub serve` process) is
 * killed with SIGKILL while PostgreSQL commits 10,000 transactions; after a
 * restart every change is in the log exactly once, in commit order.
 */
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../src/log/sqlite-driver.js';
import { requireOrSkip } from './fixtures/cluster-redis.js';
import { startChildHub } from './support/child-hub.js';
import { type PostgresServer, postgresInstalled, startPostgres } from './support/postgres-server.js';
import { openStream } from './support/sse-stream.js';
import { tempDir } from './support/temp-dir.js';
import { waitUntil } from './support/wait.js';

const run = requireOrSkip(postgresInstalled(), 'PostgreSQL 15 server binaries (/usr/lib/postgresql/15/bin)');
const TRANSACTIONS = 10_000;

describe.skipIf(!run)('change capture across kill -9', () => {
  let server: PostgresServer;
  const dir = tempDir();

  beforeAll(async () => {
    server = await startPostgres();
    await server.query('CREATE TABLE ticks (id int PRIMARY KEY, at timestamptz DEFAULT now())');
  }, 120_000);

  afterAll(() => {
    server?.remove();
    dir.remove();
  });

  it('stores every committed change exactly once after the hub is killed mid-stream', async () => {
    const args = ['--port', '0', '--data-dir', dir.path, '--postgres', server.url, '--capture', 'ticks'];
    const capturedChanges = async (url: string) => {
      const health = (await (await fetch(`${url}/healthz`)).json()) as { capture?: { changes: number } };
      return health.capture?.changes ?? 0;
    };
    let hub = await startChildHub(args);
    const writer = new pg.Client({ connectionString: server.url });
    await writer.connect();
    // One transaction per row, committed while the hub captures, and while it is dead.
    const writing = (async () => {
      for (let id = 1; id <= TRANSACTIONS; id++) await writer.query('INSERT INTO ticks (id) VALUES ($1)', [id]);
    })();
    await waitUntil(async () => (await capturedChanges(hub.url)) >= 2_000, 60_000, '2,000 captured changes');
    expect(await hub.kill('SIGKILL')).toBe('SIGKILL');
    await writing;
    hub = await startChildHub(args);
    const marker = await openStream(hub.url, [`db/ticks/${TRANSACTIONS + 1}`]);
    await writer.query('INSERT INTO ticks (id) VALUES ($1)', [TRANSACTIONS + 1]);
    await writer.end();
    await marker.waitFor((events) => events.some((e) => e.type === 'insert'), 60_000);
    marker.close();
    expect(await hub.kill('SIGTERM')).toBe(0);

    const db = openSqlite(join(dir.path, 'ssehub.db'), { readonly: true });
    const ids = (
      db.prepare("SELECT data FROM events WHERE type = 'insert' ORDER BY seq").all() as { data: string }[]
    ).map((row) => (JSON.parse(row.data) as { key: { id: number } }).key.id);
    db.close();
    expect(ids).toHaveLength(TRANSACTIONS + 1);
    expect(ids).toEqual(Array.from({ length: TRANSACTIONS + 1 }, (_, i) => i + 1));
  }, 240_000);
});
