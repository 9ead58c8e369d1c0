// @ts-nocheck
import { connect, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { startHub } from './support/hub-server.js';
import { openStream } from './support/sse-stream.js';
import { waitUntil } from './support/wait.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A raw client: sends the request, then reads only when told to. */
function rawSubscriber(port: number, topic: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET /events?topic=${topic} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      resolve(socket);
    });
    socket.on('error', reject);
  });
}

describe('slow consumers', () => {
  it('drops a subscriber that stops reading once its buffer bound is passed, without slowing the others', async () => {
    const hub = await startHub({ maxBufferBytes: 256 * 1024 });
    cleanups.push(() => hub.stop());
    const slow = await rawSubscriber(hub.port, 'flood');
    slow.pause();
    let slowClosed = false;
    slow.on('close', () => {
      slowClosed = true;
    });
    const fast = await openStream(hub.url, ['flood']);
    await waitUntil(() => hub.hub.hub.stats().connections === 2 && fast.ids.length > 0);

    const data = 'x'.repeat(16 * 1024);
    const total = 2_500; // ~40 MB: far beyond the kernel's socket buffers and the 256 KiB bound
    for (let i = 0; i < total; i++) {
      await hub.hub.publish({ topic: 'flood', data: `${i}:${data}` });
      // Let the in-process fast reader keep up; the slow one never reads.
      await new Promise((r) => setImmediate(r));
    }
    await waitUntil(() => hub.hub.hub.stats().slowConsumerDisconnects === 1, 10_000, 'slow consumer disconnect');
    await fast.waitFor((e) => e.length === total, 30_000);
    expect(fast.events.map((e) => Number(e.data.split(':')[0]))).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(hub.hub.hub.stats().connections).toBe(1);
    slow.resume(); // drain what the kernel held; then the server's reset/FIN arrives
    await waitUntil(() => slowClosed, 10_000, 'slow socket closed');
    fast.close();
  }, 60_000);
});

describe('events larger than the buffer bound', () => {
  it('still reach a reading client, live and on replay', async () => {
    const hub = await startHub({ maxBufferBytes: 16 * 1024, maxEventBytes: 200 * 1024 });
    cleanups.push(() => hub.stop());
    const big = 'b'.repeat(100 * 1024);
    const live = await openStream(hub.url, ['big']);
    await waitUntil(() => live.ids.length > 0);
    const first = await hub.hub.publish({ topic: 'big', data: 'small' });
    await hub.hub.publish({ topic: 'big', data: big });
    await live.waitFor((e) => e.length === 2);
    expect(live.events[1]?.data).toBe(big);
    const replay = await openStream(hub.url, ['big'], { lastEventId: first.id });
    await replay.waitFor((e) => e.length === 1);
    expect(replay.events[0]?.data).toBe(big);
    expect(hub.hub.hub.stats().slowConsumerDisconnects).toBe(0);
    live.close();
    replay.close();
  });
});

describe('connection lifecycle', () => {
  it('releases every subscriber on every close path and leaves memory where it was after thousands of connections', async () => {
    const hub = await startHub({ heartbeatMs: 100 });
    cleanups.push(() => hub.stop());
    const round = async () => {
      const sockets = await Promise.all(
        Array.from({ length: 250 }, (_, i) => rawSubscriber(hub.port, `churn/${i % 7}`)),
      );
      await waitUntil(() => hub.hub.hub.stats().connections === 250, 10_000, '250 connections');
      // Half end politely, half are reset.
      for (const [i, s] of sockets.entries()) {
        if (i % 2) s.destroy();
        else s.end();
      }
      await waitUntil(() => hub.hub.hub.stats().connections === 0, 10_000, 'all released');
    };
    await round();
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 8; i++) await round();
    gc();
    const after = process.memoryUsage().heapUsed;
    expect(after - before).toBeLessThan(8 * 1024 * 1024);
  }, 120_000);

  it('ends open streams on shutdown and refuses new work while closing', async () => {
    const hub = await startHub();
    const stream = await openStream(hub.url, ['shutdown']);
    await waitUntil(() => stream.ids.length > 0);
    const closing = hub.stop();
    await stream.closed;
    await closing;
    expect(hub.hub.hub.stats().connections).toBe(0);
    await expect(hub.hub.publish({ topic: 't', data: 'x' })).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
  });

  it('refuses streams past maxConnections with 503', async () => {
    const hub = await startHub({ maxConnections: 2 });
    cleanups.push(() => hub.stop());
    const a = await openStream(hub.url, ['m']);
    const b = await openStream(hub.url, ['m']);
    await waitUntil(() => hub.hub.hub.stats().connections === 2);
    const res = await fetch(`${hub.url}/events?topic=m`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TOO_MANY_CONNECTIONS');
    a.close();
    b.close();
  });
});
