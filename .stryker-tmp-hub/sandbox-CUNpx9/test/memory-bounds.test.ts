// @ts-nocheck
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChildHub, startChildHub } from './support/child-hub.js';
import { MB, rssOf } from './support/process-memory.js';
import { openStream, publish, type RecordedStream } from './support/sse-stream.js';
import { tempDir } from './support/temp-dir.js';
import { waitUntil } from './support/wait.js';

/**
 * Issue 9, memory: attacks that used to grow the hub without bound, measured on
 * the hub process's RSS (/proc/<pid>/status). Each test starts its own hub
 * through the CLI so the figures are that attack's alone.
 */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(args: string[]): Promise<ChildHub> {
  const dir = tempDir();
  const hub = await startChildHub(['--port', '0', '--data-dir', dir.path, ...args]);
  cleanups.push(() => dir.remove());
  cleanups.push(() => hub.kill());
  return hub;
}

interface Health {
  connections: number;
  slowConsumerDisconnects: number;
  recentEventsBytes: number;
  unsentBytes: number;
}

async function health(hub: ChildHub): Promise<Health> {
  const res = await fetch(`${hub.url}/healthz`);
  expect(res.status).toBe(200);
  return (await res.json()) as Health;
}

/** A client that sends a GET, reads only the status line, then never reads again. */
function stalledReader(port: number, path: string): Promise<{ status: number; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    });
    socket.once('data', (chunk) => {
      socket.pause();
      resolve({ status: Number(chunk.toString('latin1').split(' ')[1]), socket });
    });
    socket.on('error', reject);
  });
}

async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1_000));
}

describe('memory bounds (RSS of the hub process)', () => {
  it('bounds the recent-events cache in bytes: 400 events of 250 KB stay within --recent-events-size', async () => {
    const hub = await start(['--recent-events-size', '16mb']);
    const witness = await openStream(hub.url, ['big']);
    cleanups.push(() => witness.close());
    await witness.waitFor(() => witness.ids.length > 0);
    const data = 'x'.repeat(250 * 1024);
    for (let i = 0; i < 20; i++) await publish(hub.url, { topic: 'warm', data }); // warm up the JIT and heap
    await settle();
    const before = rssOf(hub.process.pid as number);
    for (let i = 0; i < 400; i++)
      expect((await publish(hub.url, { topic: 'big', data: `${i}${data}` })).status).toBe(200);
    await witness.waitFor((events) => events.length === 400, 30_000);
    await settle();
    const growth = rssOf(hub.process.pid as number) - before;
    const stats = await health(hub);
    console.log(
      `recent-events: RSS grew ${(growth / MB).toFixed(1)} MB for 400 × 250 KB (100 MB) published; cache holds ${(stats.recentEventsBytes / MB).toFixed(1)} MB`,
    );
    expect(stats.recentEventsBytes).toBeLessThanOrEqual(16 * MB);
    // With a count bound only, all 400 events (frame and data: ~200 MB) stayed cached.
    expect(growth).toBeLessThan(80 * MB);
  }, 120_000);

  // Each snapshot reserves the largest a snapshot may be (min(32 MB, the cap)) while it is
  // read, then its frame's size (~8 MB here): with 24 MB, one stalled reader holds the
  // budget and the other 59 are refused before anything is read for them. Unbounded, the
  // 60 pinned about 6 MB each beyond the kernel's socket buffers (~360 MB).
  it('bounds stalled /live snapshots by the global --max-unsent cap: extra ones get 503 HUB_BUSY, a stalled one is closed after 30 s', async () => {
    const hub = await start(['--max-unsent', '24mb']);
    const record = { text: 'r'.repeat(20 * 1024) };
    for (let i = 0; i < 400; i++) {
      const res = await fetch(`${hub.url}/collections/big/records`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(record),
      });
      expect(res.status).toBe(201);
    }
    const witness = await openStream(hub.url, ['bystander']);
    cleanups.push(() => witness.close());
    await witness.waitFor(() => witness.ids.length > 0);
    await settle();
    const before = rssOf(hub.process.pid as number);
    const readers: { status: number; socket: Socket }[] = [];
    for (let i = 0; i < 60; i++) readers.push(await stalledReader(hub.port, '/collections/big/live'));
    cleanups.push(() => {
      for (const r of readers) r.socket.destroy();
    });
    await settle();
    const growth = rssOf(hub.process.pid as number) - before;
    const statuses = readers.map((r) => r.status);
    const stats = await health(hub);
    console.log(
      `stalled /live: 60 readers of an 8 MB snapshot, statuses ${JSON.stringify(statuses)}; RSS grew ${(growth / MB).toFixed(1)} MB; unsent ${(stats.unsentBytes / MB).toFixed(1)} MB`,
    );
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThanOrEqual(55);
    expect(stats.unsentBytes).toBeLessThanOrEqual(24 * MB);
    expect(growth).toBeLessThan(100 * MB);
    const busy = await fetch(`${hub.url}/collections/big/live`);
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('HUB_BUSY');
    // Everyone else is served under load: writes to the stalled collection and 100 publishes
    // of 50 KB all succeed, and the bystander stream receives every one.
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${hub.url}/collections/big/records`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(record),
      });
      expect(res.status).toBe(201);
    }
    const load = 'z'.repeat(50 * 1024);
    for (let i = 0; i < 100; i++) {
      expect((await publish(hub.url, { topic: 'bystander', data: `${i}${load}` })).status).toBe(200);
    }
    expect((await publish(hub.url, { topic: 'bystander', data: 'still here' })).status).toBe(200);
    await witness.waitFor((events) => events.length === 101 && events[100]?.data === 'still here', 20_000);
    // The stalled reader keeps its share only until the snapshot stall timeout (30 s) closes
    // it, without the client doing anything: then snapshots are served again.
    const stalledAt = Date.now();
    await waitUntil(async () => (await health(hub)).unsentBytes === 0, 45_000, 'unsent budget released');
    const releasedAfter = Date.now() - stalledAt;
    console.log(`stalled /live: budget returned ${(releasedAfter / 1000).toFixed(1)} s after the stall began`);
    expect(releasedAfter).toBeGreaterThan(20_000); // by the stall timeout, not by anything earlier
    const again = await openStream(hub.url, [], { path: '/collections/big/live' });
    await again.waitFor((events) => events.some((e) => e.type === 'snapshot'), 20_000);
    again.close();
  }, 120_000);

  it('bounds stalled /events readers under load by the per-stream buffer bound', async () => {
    const hub = await start(['--max-buffer', '1mb']);
    const witness: RecordedStream = await openStream(hub.url, ['load']);
    cleanups.push(() => witness.close());
    await witness.waitFor(() => witness.ids.length > 0);
    await settle();
    const before = rssOf(hub.process.pid as number);
    const stalled: { status: number; socket: Socket }[] = [];
    for (let i = 0; i < 50; i++) stalled.push(await stalledReader(hub.port, '/events?topic=load'));
    cleanups.push(() => {
      for (const s of stalled) s.socket.destroy();
    });
    const data = 'y'.repeat(100 * 1024);
    for (let i = 0; i < 200; i++)
      expect((await publish(hub.url, { topic: 'load', data: `${i}${data}` })).status).toBe(200);
    await witness.waitFor((events) => events.length === 200, 30_000);
    await settle();
    const growth = rssOf(hub.process.pid as number) - before;
    const stats = await health(hub);
    console.log(
      `stalled /events: 50 readers, 200 × 100 KB published; RSS grew ${(growth / MB).toFixed(1)} MB; slow-consumer drops ${stats.slowConsumerDisconnects}`,
    );
    expect(stats.slowConsumerDisconnects).toBe(50);
    expect(stats.connections).toBe(1);
    // 20 MB went to each of 50 streams (1 GB unbounded); the bound is 50 × 1 MB plus the caches.
    expect(growth).toBeLessThan(120 * MB);
  }, 120_000);
});
