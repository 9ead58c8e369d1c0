import { rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { startHub } from './support/hub-server.js';
import { openStream, publish } from './support/sse-stream.js';
import { tempDir } from './support/temp-dir.js';
import { waitUntil } from './support/wait.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function hubFor(options: Parameters<typeof startHub>[0] = {}) {
  const hub = await startHub(options);
  cleanups.push(() => hub.stop());
  return hub;
}

function resetData(stream: { events: { type: string; data: string }[] }) {
  const reset = stream.events.find((e) => e.type === 'reset');
  return reset ? (JSON.parse(reset.data) as { reason: string; lastEventId: string | null; id: string }) : undefined;
}

describe('resume with Last-Event-ID', () => {
  it('replays exactly the missed events of the subscribed topics, then goes live', async () => {
    const hub = await hubFor();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await publish(hub.url, { topic: i % 2 ? 'odd' : 'even', data: String(i) });
      ids.push(res.body.id as string);
    }
    const stream = await openStream(hub.url, ['even'], { lastEventId: ids[3] });
    await stream.waitFor((e) => e.length === 3);
    expect(stream.events.map((e) => e.data)).toEqual(['4', '6', '8']);
    await publish(hub.url, { topic: 'even', data: 'live' });
    await stream.waitFor((e) => e.length === 4);
    expect(stream.events.map((e) => e.data)).toEqual(['4', '6', '8', 'live']);
    stream.close();
  });

  it('accepts the id as a lastEventId query parameter too', async () => {
    const hub = await hubFor();
    const first = await publish(hub.url, { topic: 'q', data: 'a' });
    await publish(hub.url, { topic: 'q', data: 'b' });
    const stream = await openStream(hub.url, ['q'], { query: { lastEventId: first.body.id as string } });
    await stream.waitFor((e) => e.length === 1);
    expect(stream.events[0]?.data).toBe('b');
    stream.close();
  });

  it('prefers the Last-Event-ID header over the query parameter', async () => {
    const hub = await hubFor();
    const first = await publish(hub.url, { topic: 'both', data: 'a' });
    const second = await publish(hub.url, { topic: 'both', data: 'b' });
    await publish(hub.url, { topic: 'both', data: 'c' });
    const stream = await openStream(hub.url, ['both'], {
      lastEventId: second.body.id as string,
      query: { lastEventId: first.body.id as string },
    });
    await publish(hub.url, { topic: 'both', data: 'end' });
    await stream.waitFor((e) => e.some((x) => x.data === 'end'));
    expect(stream.events.map((e) => e.data)).toEqual(['c', 'end']);
    stream.close();
  });

  it('has no gap and no duplicate across replay and live while publishers keep publishing (property)', async () => {
    const hub = await hubFor();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 2, maxLength: 5 }), async (cuts) => {
        const topic = `boundary/${Math.random().toString(36).slice(2)}`;
        const acked: string[] = [];
        let stop = false;
        const publishers = Array.from({ length: 3 }, async () => {
          while (!stop) {
            const res = await publish(hub.url, { topic: [topic, 'noise'], data: 'x' });
            if (res.status === 200) acked.push(res.body.id as string);
            await publish(hub.url, { topic: 'noise', data: 'n' });
          }
        });
        const received: string[] = [];
        let lastId: string | undefined;
        for (const cut of cuts) {
          const stream = await openStream(hub.url, [topic], lastId === undefined ? {} : { lastEventId: lastId });
          if (lastId === undefined) await waitUntil(() => stream.ids.length > 0);
          await stream.waitFor((e) => e.length >= cut, 15_000);
          stream.close();
          await stream.closed;
          received.push(...stream.events.map((e) => e.lastEventId));
          lastId = stream.ids[stream.ids.length - 1];
        }
        stop = true;
        await Promise.all(publishers);
        // Catch up on the rest and compare with everything acknowledged.
        const seq = (id: string) => Number(id.split('-')[1]);
        const firstSeq = seq(received[0] as string);
        const tail = await openStream(hub.url, [topic], { lastEventId: lastId as string });
        const expected = acked.map(seq).filter((s) => s >= firstSeq);
        await waitUntil(() => received.length + tail.events.length >= expected.length, 15_000, 'catch-up');
        tail.close();
        received.push(...tail.events.map((e) => e.lastEventId));
        expect(new Set(received).size).toBe(received.length);
        expect(received.map(seq)).toEqual(expected.sort((a, b) => a - b));
      }),
      { numRuns: 4 },
    );
  }, 120_000);
});

describe('reset when history does not reach back', () => {
  it('sends reset (history-trimmed) when retention removed events after the id, then continues live', async () => {
    const hub = await hubFor({ retentionEvents: 5, retentionIntervalMs: 20 });
    const first = await publish(hub.url, { topic: 'r', data: '0' });
    for (let i = 1; i < 20; i++) await publish(hub.url, { topic: 'r', data: String(i) });
    // Until retention has run (not a fixed wait, which a slow machine can outlast).
    await waitUntil(async () => (await hub.hub.log.position()).trimmedThrough >= 15, 10_000, 'retention');
    const stream = await openStream(hub.url, ['r'], { lastEventId: first.body.id as string });
    await stream.waitFor((e) => e.length === 1);
    const reset = resetData(stream);
    expect(reset).toMatchObject({ reason: 'history-trimmed', lastEventId: first.body.id });
    // The reset carries the position the stream continues from.
    expect(stream.events[0]?.lastEventId).toBe(reset?.id);
    const live = await publish(hub.url, { topic: 'r', data: 'after' });
    await stream.waitFor((e) => e.length === 2);
    expect(stream.events[1]).toMatchObject({ type: 'message', data: 'after', lastEventId: live.body.id });
    stream.close();
  });

  it.each([
    ['garbage', 'not-an-id', 'unknown-id'],
    ['an id from the future', 'FUTURE', 'unknown-id'],
    ['an id of another epoch', 'zzzzzzzz-1', 'log-replaced'],
  ])('sends reset for %s', async (_what, given, reason) => {
    const hub = await hubFor();
    const { body } = await publish(hub.url, { topic: 'u', data: 'x' });
    const id = given === 'FUTURE' ? `${(body.id as string).split('-')[0]}-999999` : given;
    const stream = await openStream(hub.url, ['u'], { lastEventId: id });
    await stream.waitFor((e) => e.length === 1);
    expect(stream.events[0]?.type).toBe('reset');
    expect(resetData(stream)).toEqual({ reason, lastEventId: id, id: body.id });
    stream.close();
  });

  it('notices a wiped log (new epoch) after a restart and sends reset, never wrong events', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const a = await startHub({ dataDir: dir.path });
    await publish(a.url, { topic: 'w', data: 'old-1' });
    const old = await publish(a.url, { topic: 'w', data: 'old-2' });
    await a.close();
    for (const f of ['ssehub.db', 'ssehub.db-wal', 'ssehub.db-shm']) rmSync(join(dir.path, f), { force: true });
    const b = await startHub({ dataDir: dir.path });
    cleanups.push(() => b.close());
    await publish(b.url, { topic: 'w', data: 'new-1' });
    await publish(b.url, { topic: 'w', data: 'new-2' });
    await publish(b.url, { topic: 'w', data: 'new-3' });
    const stream = await openStream(b.url, ['w'], { lastEventId: old.body.id as string });
    await publish(b.url, { topic: 'w', data: 'end' });
    await stream.waitFor((e) => e.some((x) => x.data === 'end'));
    // Only the reset, then what came after it: none of the new log's history is replayed as if it followed.
    expect(stream.events.map((e) => e.type)).toEqual(['reset', 'message']);
    expect(stream.events[1]?.data).toBe('end');
    expect(resetData(stream)?.reason).toBe('log-replaced');
    stream.close();
  });

  it('resumes across a clean restart on the same data dir', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const a = await startHub({ dataDir: dir.path });
    const seen = await publish(a.url, { topic: 's', data: '1' });
    await a.close();
    const b = await startHub({ dataDir: dir.path });
    cleanups.push(() => b.close());
    await publish(b.url, { topic: 's', data: '2' });
    const stream = await openStream(b.url, ['s'], { lastEventId: seen.body.id as string });
    await stream.waitFor((e) => e.length === 1);
    expect(stream.events.map((e) => [e.type, e.data])).toEqual([['message', '2']]);
    stream.close();
  });
});
