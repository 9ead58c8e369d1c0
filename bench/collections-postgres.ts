/**
 * `npm run bench:collections`: live collections on their three setups, side by
 * side in one run (the machine is shared: compare within a run, not across runs):
 *  - sqlite: the embedded store (record + event in one SQLite transaction);
 *  - postgres: records in PostgreSQL, events through change capture, SQLite log;
 *  - cluster: the same on the Redis log (what two nodes would run).
 * For each: one writer's POST round trip (p50/p99; it includes waiting for the
 * change event to be in the log), 8 concurrent writers' throughput, and the
 * time from opening `/live` on a 1,000-record collection to its snapshot.
 * Rounds alternate between the setups so background load hits them alike.
 */

import { deleteKeys, SHARED_REDIS_URL, uniquePrefix } from '../test/fixtures/cluster-redis.js';
import { call, openLive } from '../test/fixtures/collections-support.js';
import { type ChildHub, startChildHub } from '../test/support/child-hub.js';
import { startPostgres } from '../test/support/postgres-server.js';
import { tempDir } from '../test/support/temp-dir.js';
import { waitUntil } from '../test/support/wait.js';

const ROUNDS = 3;
const SEQUENTIAL = 200;
const CONCURRENT_MS = 3_000;
const WRITERS = 8;
const SNAPSHOTS = 20;

const server = await startPostgres();
const dirs = [tempDir(), tempDir()];
const prefix = uniquePrefix();
const hubs: [string, ChildHub][] = [];
try {
  await server.query('CREATE DATABASE pgstore');
  await server.query('CREATE DATABASE clusterstore');
  hubs.push(['sqlite', await startChildHub(['--port', '0', '--data-dir', dirs[0]!.path])]);
  const pgUrl = (db: string) => server.url.replace(/\/postgres$/, `/${db}`);
  hubs.push([
    'postgres',
    await startChildHub(['--port', '0', '--data-dir', dirs[1]!.path, '--postgres', pgUrl('pgstore')]),
  ]);
  hubs.push([
    'cluster',
    await startChildHub([
      '--port',
      '0',
      '--redis',
      SHARED_REDIS_URL,
      '--redis-prefix',
      prefix,
      '--postgres',
      pgUrl('clusterstore'),
      // Slot names are per PostgreSQL server, not per database.
      '--capture-slot',
      'cluster',
    ]),
  ]);
  for (const [, hub] of hubs) {
    for (let i = 0; i < 1_000; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, k) => call(hub.url, 'POST', '/collections/big/records', { n: i + k })),
      );
    }
  }
  const results = new Map<string, { latencies: number[]; writes: number; ms: number; snapshots: number[] }>();
  for (const [name] of hubs) results.set(name, { latencies: [], writes: 0, ms: 0, snapshots: [] });
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, hub] of hubs) {
      const r = results.get(name)!;
      for (let i = 0; i < SEQUENTIAL; i++) {
        const started = performance.now();
        const reply = await call(hub.url, 'POST', '/collections/seq/records', { i });
        if (reply.status !== 201) throw new Error(`${name}: ${reply.status}`);
        r.latencies.push(performance.now() - started);
      }
      const started = performance.now();
      await Promise.all(
        Array.from({ length: WRITERS }, async () => {
          while (performance.now() - started < CONCURRENT_MS) {
            const reply = await call(hub.url, 'POST', '/collections/par/records', { x: 1 });
            if (reply.status !== 201) throw new Error(`${name}: ${reply.status}`);
            r.writes++;
          }
        }),
      );
      r.ms += performance.now() - started;
      for (let i = 0; i < SNAPSHOTS; i++) {
        const opened = performance.now();
        const live = await openLive(hub.url, 'big');
        await waitUntil(() => live.state.snapshots === 1, 30_000, 'snapshot');
        r.snapshots.push(performance.now() - opened);
        live.close();
      }
    }
  }
  const pct = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0).toFixed(1);
  };
  for (const [name, r] of results) {
    console.log(
      `${name.padEnd(8)} POST round trip p50 ${pct(r.latencies, 0.5)} ms p99 ${pct(r.latencies, 0.99)} ms | ${WRITERS} writers ${Math.round((r.writes * 1000) / r.ms)} writes/s | /live snapshot of 1,000 records p50 ${pct(r.snapshots, 0.5)} ms p99 ${pct(r.snapshots, 0.99)} ms`,
    );
  }
} finally {
  for (const [, hub] of hubs) await hub.kill('SIGTERM');
  server.remove();
  for (const dir of dirs) dir.remove();
  await deleteKeys(prefix);
}
