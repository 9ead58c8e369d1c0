import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteEventLog } from '../src/log/sqlite-log.js';
import { type ChildHub, startChildHub } from './support/child-hub.js';
import { ndjsonPublisher } from './support/ndjson-publisher.js';
import { openStream, publish } from './support/sse-stream.js';
import { tempDir } from './support/temp-dir.js';
import { waitUntil } from './support/wait.js';

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

  it('keeps every line a streaming publish acknowledged (NDJSON) and batch answered, across kill -9', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const hub = await startChildHub(['--port', '0', '--data-dir', dir.path]);
    cleanups.push(() => hub.kill('SIGKILL'));
    const publisher = ndjsonPublisher(hub.url);
    expect((await publisher.response).status).toBe(200);
    const batchIds: string[] = [];
    const batches = (async () => {
      for (let b = 0; ; b++) {
        const res = await publish(hub.url, null, {
          raw: JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ topic: 'crash', data: `b${b}.${i}` }))),
        }).catch(() => undefined);
        if (res?.status !== 200) return;
        batchIds.push(...((res.body as { ids: string[] }).ids ?? []));
      }
    })();
    // Lines keep going out in chunks while acknowledgements come back; the hub dies mid-stream.
    const writing = (async () => {
      for (let i = 0; ; i += 100) {
        const chunk = Array.from({ length: 100 }, (_, k) => `{"topic":"crash","data":"n${i + k}"}\n`).join('');
        if (
          !(await publisher.send(chunk).then(
            () => true,
            () => false,
          ))
        )
          return;
      }
    })();
    await publisher.waitForAcks(2000, 30_000);
    await waitUntil(() => batchIds.length >= 100, 30_000, 'two batches answered');
    expect(await hub.kill('SIGKILL')).toBe('SIGKILL');
    await Promise.all([writing, batches]);
    const acked = publisher.acks.map((a) => a.id);
    expect(acked.every((id) => id !== undefined)).toBe(true);

    const log = new SqliteEventLog({ file: join(dir.path, 'ssehub.db') });
    await log.open();
    cleanups.push(() => log.close());
    const stored = new Map((await log.readAfter(0, 1_000_000)).map((e) => [e.id, e.data]));
    for (const [i, ack] of publisher.acks.entries()) {
      expect(ack.line).toBe(i + 1);
      expect(stored.get(ack.id as string)).toBe(`n${i}`);
    }
    for (const id of batchIds) expect(stored.has(id)).toBe(true);
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
