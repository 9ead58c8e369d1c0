// @ts-nocheck
import { afterEach, describe, expect, it } from 'vitest';
import { type ChildHub, startChildHub } from './support/child-hub.js';
import { openStream, publish } from './support/sse-stream.js';
import { tempDir } from './support/temp-dir.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('crash safety (kill -9)', () => {
  it('keeps every acknowledged event: resume after a restart gets them all, in order, once', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    let hub: ChildHub = await startChildHub(['--port', '0', '--data-dir', dir.path]);
    cleanups.push(() => hub.kill('SIGKILL'));

    const first = await publish(hub.url, { topic: 'crash', data: 'start' });
    const acked: string[] = [];
    let failures = 0;
    // Several publishers keep going; the hub is killed mid-stream.
    const publishers = Array.from({ length: 4 }, async (_, p) => {
      for (let i = 0; ; i++) {
        try {
          const res = await publish(hub.url, { topic: 'crash', data: `${p}:${i}` });
          if (res.status !== 200) throw new Error(`status ${res.status}`);
          acked.push(res.body.id as string);
        } catch {
          failures++;
          return;
        }
      }
    });
    await new Promise((r) => setTimeout(r, 700));
    expect(await hub.kill('SIGKILL')).toBe('SIGKILL');
    await Promise.all(publishers);
    expect(acked.length).toBeGreaterThan(20);
    expect(failures).toBe(4);

    hub = await startChildHub(['--port', '0', '--data-dir', dir.path]);
    const stream = await openStream(hub.url, ['crash'], { lastEventId: first.body.id as string });
    const seq = (id: string) => Number(id.split('-')[1]);
    const maxAcked = Math.max(...acked.map(seq));
    await stream.waitFor((events) => events.some((e) => seq(e.lastEventId) >= maxAcked), 15_000);
    stream.close();
    const got = stream.events.map((e) => e.lastEventId);
    expect(stream.events.every((e) => e.type === 'message')).toBe(true);
    expect(new Set(got).size).toBe(got.length);
    for (const id of acked) expect(got).toContain(id);
    expect(got.map(seq)).toEqual([...got.map(seq)].sort((a, b) => a - b));
  }, 60_000);

  it('shuts down gracefully on SIGTERM: streams end, the process exits 0, the log reopens', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const hub = await startChildHub(['--port', '0', '--data-dir', dir.path]);
    cleanups.push(() => hub.kill('SIGKILL'));
    const stream = await openStream(hub.url, ['bye']);
    const { body } = await publish(hub.url, { topic: 'bye', data: 'x' });
    await stream.waitFor((e) => e.length === 1);
    expect(await hub.kill('SIGTERM')).toBe(0);
    await stream.closed; // the server ended the stream
    const again = await startChildHub(['--port', '0', '--data-dir', dir.path]);
    cleanups.push(() => again.kill('SIGKILL'));
    const after = await publish(again.url, { topic: 'bye', data: 'y' });
    expect(Number(after.body.id?.split('-')[1])).toBe(Number(body.id?.split('-')[1]) + 1);
  }, 60_000);
});
