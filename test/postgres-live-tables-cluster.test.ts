/**
 * Live tables in a cluster: two hub processes on one Redis log capture one
 * PostgreSQL table; one consumes the slot, the other is on standby. A live table
 * opened on the standby node waits for the checkpoint the consuming node stores
 * in Redis (advanced by PostgreSQL's keepalives while the table is quiet), and
 * follows the changes with no gap and no duplicate.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys, redisReachable, requireOrSkip, SHARED_REDIS_URL, uniquePrefix } from './fixtures/cluster-redis.js';
import { type ChildHub, startChildHub } from './support/child-hub.js';
import { changesOf, type Item, replayCounted } from './support/live-table.js';
import { type PostgresServer, postgresInstalled, startPostgres } from './support/postgres-server.js';
import { openStream, type RecordedStream } from './support/sse-stream.js';
import { waitUntil } from './support/wait.js';

const run =
  requireOrSkip(postgresInstalled(), 'PostgreSQL 15 server binaries (/usr/lib/postgresql/15/bin)') &&
  requireOrSkip(await redisReachable(), `Redis at ${SHARED_REDIS_URL}`);

describe.skipIf(!run)('live tables on two clustered nodes', () => {
  let server: PostgresServer;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    server = await startPostgres();
    await server.query(`CREATE TABLE counters (id int PRIMARY KEY, owner text NOT NULL, n int NOT NULL);
      INSERT INTO counters SELECT g, 'w', 0 FROM generate_series(1, 10) g;
      CREATE TABLE elsewhere (id serial PRIMARY KEY)`);
  }, 120_000);

  afterAll(async () => {
    server?.remove();
    await deleteKeys(prefix);
  });

  it('serves a live table on the standby node, quiet or busy', async () => {
    const args = ['--port', '0', '--redis', SHARED_REDIS_URL, '--redis-prefix', prefix];
    const capture = ['--postgres', server.url, '--capture', 'counters'];
    const state = async (hub: ChildHub) =>
      ((await (await fetch(`${hub.url}/healthz`)).json()) as { capture?: { state: string } }).capture?.state;
    const a = await startChildHub([...args, ...capture]);
    const b = await startChildHub([...args, ...capture]);
    const streams: RecordedStream[] = [];
    try {
      await waitUntil(
        async () => [await state(a), await state(b)].sort().join() === 'standby,streaming',
        30_000,
        'one node streaming, one on standby',
      );
      const standby = (await state(a)) === 'standby' ? a : b;
      // Quiet captured table, busy database: the checkpoint in Redis still reaches the snapshot's horizon.
      await server.query('INSERT INTO elsewhere DEFAULT VALUES');
      const quiet = await openStream(standby.url, [], { path: '/db/counters/live' });
      expect(quiet.status).toBe(200);
      streams.push(quiet);
      let writing = true;
      const writer = (async () => {
        const client = new pg.Client({ connectionString: server.url });
        await client.connect();
        for (let i = 0; writing; i++) {
          await client.query(`UPDATE counters SET n = n + 1 WHERE id = ${(i % 10) + 1}`);
        }
        await client.end();
      })();
      try {
        for (let i = 0; i < 4; i++) {
          const busy = await openStream(standby.url, [], { path: '/db/counters/live' });
          expect(busy.status).toBe(200);
          streams.push(busy);
          await busy.waitFor((events) => events.some((e) => e.type === 'snapshot'), 30_000);
        }
      } finally {
        writing = false;
        await writer;
      }
      await server.query(`INSERT INTO counters VALUES (-1, 'end', 0)`); // the end marker
      const final = await server.query<Item>('SELECT * FROM counters ORDER BY id');
      for (const stream of streams) {
        await stream.waitFor((events) => changesOf(events).some((c) => c.id === '-1'), 60_000);
        stream.close();
        expect(replayCounted(stream)).toEqual(final);
      }
    } finally {
      for (const stream of streams) stream.close();
      await a.kill('SIGTERM');
      await b.kill('SIGTERM');
    }
  }, 180_000);
});
