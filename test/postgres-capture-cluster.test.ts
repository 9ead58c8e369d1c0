/**
 * Capture in a cluster: two hub processes on one Redis log and one PostgreSQL.
 * PostgreSQL lets one walsender use the slot at a time, so exactly one node
 * consumes it; the other retries, and takes over when the first is killed,
 * resuming from the checkpoint stored in Redis with nothing lost or doubled.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys, redisReachable, requireOrSkip, SHARED_REDIS_URL, uniquePrefix } from './fixtures/cluster-redis.js';
import { type ChildHub, startChildHub } from './support/child-hub.js';
import { type PostgresServer, postgresInstalled, startPostgres } from './support/postgres-server.js';
import { openStream } from './support/sse-stream.js';
import { waitUntil } from './support/wait.js';

const run =
  requireOrSkip(postgresInstalled(), 'PostgreSQL 15 server binaries (/usr/lib/postgresql/15/bin)') &&
  requireOrSkip(await redisReachable(), `Redis at ${SHARED_REDIS_URL}`);
const TRANSACTIONS = 3_000;

interface Health {
  capture?: { state: string; changes: number };
}

describe.skipIf(!run)('change capture on two clustered nodes', () => {
  let server: PostgresServer;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    server = await startPostgres();
    await server.query('CREATE TABLE ticks (id int PRIMARY KEY)');
  }, 120_000);

  afterAll(async () => {
    server?.remove();
    await deleteKeys(prefix);
  });

  it('has one node consume the slot and another take over after kill -9, each change once', async () => {
    const args = ['--port', '0', '--redis', SHARED_REDIS_URL, '--redis-prefix', prefix];
    const capture = ['--postgres', server.url, '--capture', 'ticks'];
    const health = async (hub: ChildHub) => ((await (await fetch(`${hub.url}/healthz`)).json()) as Health).capture;
    const a = await startChildHub([...args, ...capture]);
    await waitUntil(async () => (await health(a))?.state === 'streaming', 30_000, 'node A streaming');
    const b = await startChildHub([...args, ...capture]);
    try {
      // B cannot use the slot while A does.
      await waitUntil(async () => (await health(b))?.state === 'standby', 30_000, 'node B on standby');
      const writer = new pg.Client({ connectionString: server.url });
      await writer.connect();
      const writing = (async () => {
        for (let id = 1; id <= TRANSACTIONS; id++) await writer.query('INSERT INTO ticks (id) VALUES ($1)', [id]);
      })();
      await waitUntil(async () => ((await health(a))?.changes ?? 0) >= 500, 60_000, 'A captured 500');
      expect(await a.kill('SIGKILL')).toBe('SIGKILL');
      await writing;
      await waitUntil(async () => (await health(b))?.state === 'streaming', 30_000, 'B took over');
      const marker = await openStream(b.url, [`db/ticks/${TRANSACTIONS + 1}`]);
      await writer.query('INSERT INTO ticks (id) VALUES ($1)', [TRANSACTIONS + 1]);
      await writer.end();
      await marker.waitFor((events) => events.some((e) => e.type === 'insert'), 60_000);
      marker.close();
      const epoch = (marker.events[0]?.lastEventId ?? '').split('-')[0];
      // Replay the whole shared log from its start through B.
      const all = await openStream(b.url, ['db/ticks/**'], { lastEventId: `${epoch}-0` });
      await all.waitFor((events) => events.some((e) => e.data.includes(`"id":${TRANSACTIONS + 1}`)), 60_000);
      all.close();
      const ids = all.events
        .filter((e) => e.type === 'insert')
        .map((e) => (JSON.parse(e.data) as { key: { id: number } }).key.id);
      expect(ids).toEqual(Array.from({ length: TRANSACTIONS + 1 }, (_, i) => i + 1));
    } finally {
      await a.kill('SIGKILL');
      await b.kill('SIGTERM');
    }
  }, 240_000);
});
