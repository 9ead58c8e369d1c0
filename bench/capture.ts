/**
 * `npm run bench:capture`: change capture from PostgreSQL (docs/postgres.md).
 * Starts a private PostgreSQL 15 cluster and a real `ssehub serve` process, then
 * measures
 *  1. capture throughput: row changes per second from COMMIT into the log
 *     (a 100,000-row transaction, and 10,000 transactions of 10 rows);
 *  2. latency from issuing an autocommit INSERT to a raw SSE subscriber
 *     (fetch stream, as a browser would read it) at 2,000 changes/s for 10 s.
 */
import pg from 'pg';
import { startChildHub } from '../test/support/child-hub.js';
import { startPostgres } from '../test/support/postgres-server.js';
import { openStream } from '../test/support/sse-stream.js';
import { tempDir } from '../test/support/temp-dir.js';
import { waitUntil } from '../test/support/wait.js';

const RATE = 2_000;
const SECONDS = 10;

const server = await startPostgres();
const dir = tempDir();
try {
  await server.query('CREATE TABLE bulk (id int PRIMARY KEY, v text); CREATE TABLE ticks (id int PRIMARY KEY)');
  const hub = await startChildHub([
    '--port',
    '0',
    '--data-dir',
    dir.path,
    '--postgres',
    server.url,
    '--capture',
    'bulk,ticks',
  ]);
  const changes = async () =>
    ((await (await fetch(`${hub.url}/healthz`)).json()) as { capture: { changes: number } }).capture.changes;
  const timeCapture = async (sql: string, rows: number) => {
    const before = await changes();
    const started = performance.now();
    await server.query(sql);
    await waitUntil(async () => (await changes()) >= before + rows, 300_000, `${rows} captured rows`);
    return rows / ((performance.now() - started) / 1000);
  };
  const big = await timeCapture(`INSERT INTO bulk SELECT g, 'value ' || g FROM generate_series(1, 100000) g`, 100_000);
  const many = await timeCapture(
    `DO $$ BEGIN FOR t IN 0..9999 LOOP
       INSERT INTO bulk SELECT 100000 + t * 10 + g, 'v' FROM generate_series(1, 10) g; COMMIT; END LOOP; END $$`,
    100_000,
  );

  const stream = await openStream(hub.url, ['db/ticks']);
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  let seen = 0;
  const clients = await Promise.all(
    [0, 1, 2, 3].map(async () => {
      const c = new pg.Client({ connectionString: server.url });
      await c.connect();
      return c;
    }),
  );
  const drain = () => {
    for (; seen < stream.events.length; seen++) {
      const e = stream.events[seen];
      if (e?.type !== 'insert') continue;
      const id = (JSON.parse(e.data) as { key: { id: number } }).key.id;
      latencies.push(performance.now() - (sentAt.get(id) ?? 0));
    }
  };
  const watch = setInterval(drain, 1);
  const total = RATE * SECONDS;
  const started = performance.now();
  await Promise.all(
    clients.map(async (client, w) => {
      for (let i = w; i < total; i += clients.length) {
        const due = started + (i * 1000) / RATE;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        sentAt.set(i + 1, performance.now());
        await client.query('INSERT INTO ticks VALUES ($1)', [i + 1]);
      }
    }),
  );
  await stream.waitFor((events) => events.filter((e) => e.type === 'insert').length >= total, 60_000);
  clearInterval(watch);
  drain();
  stream.close();
  for (const c of clients) await c.end();
  await hub.kill('SIGTERM');
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    (latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0).toFixed(1);
  console.log(`capture throughput, one 100,000-row transaction: ${Math.round(big)} rows/s`);
  console.log(`capture throughput, 10,000 transactions of 10 rows: ${Math.round(many)} rows/s`);
  console.log(
    `INSERT→SSE subscriber at ${RATE}/s for ${SECONDS}s (${latencies.length} changes): p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${pct(1)} ms`,
  );
} finally {
  server.remove();
  dir.remove();
}
