import { afterEach, describe, expect, it } from 'vitest';
import { startHub } from './support/hub-server.js';
import { openStream, publish } from './support/sse-stream.js';
import { waitUntil } from './support/wait.js';

/**
 * Promises of docs/configuration.md: `--retention-age` drops events older than
 * the age (a resume from before them gets `reset` history-trimmed), and
 * `--ephemeral` resumes within the process but answers `reset` after a restart.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function hubFor(options: Parameters<typeof startHub>[0]) {
  const hub = await startHub(options);
  cleanups.push(() => hub.stop());
  return hub;
}

const seq = (id: string) => Number(id.split('-')[1]);

describe('--retention-age', () => {
  it('trims events older than the age, not younger ones; a resume from before them gets history-trimmed', async () => {
    const ageMs = 1500;
    const hub = await hubFor({ retentionAgeMs: ageMs, retentionIntervalMs: 50 });
    const started = Date.now();
    const old1 = await publish(hub.url, { topic: 'age', data: 'old-1' });
    const old2 = await publish(hub.url, { topic: 'age', data: 'old-2' });
    const position = () => hub.hub.log.position();
    // Retention passes run every 50 ms while the events are younger than the age: none may trim them.
    await waitUntil(() => Date.now() - started > ageMs / 2, ageMs);
    if (Date.now() - started < ageMs) expect((await position()).trimmedThrough).toBe(0);
    await waitUntil(async () => (await position()).trimmedThrough >= seq(old2.body.id as string), 10_000, 'age trim');
    expect(Date.now() - started).toBeGreaterThanOrEqual(ageMs);

    // A young event stays; the reset continues from the head (the client refetches its state).
    const fresh = await publish(hub.url, { topic: 'age', data: 'fresh' });
    expect((await hub.hub.log.readAfter(0, 10)).map((e) => e.data)).toEqual(['fresh']);
    const stream = await openStream(hub.url, ['age'], { lastEventId: old1.body.id as string });
    cleanups.push(async () => stream.close());
    await publish(hub.url, { topic: 'age', data: 'end' });
    await stream.waitFor((e) => e.some((x) => x.data === 'end'));
    expect(stream.events.map((e) => e.type)).toEqual(['reset', 'message']);
    expect(JSON.parse(stream.events[0]?.data ?? '{}')).toEqual({
      reason: 'history-trimmed',
      lastEventId: old1.body.id,
      id: fresh.body.id,
    });
  });
});

describe('--ephemeral', () => {
  it('resumes within the process; after a restart the old id gets reset and no old event', async () => {
    const first = await startHub({ ephemeral: true });
    const a = await publish(first.url, { topic: 'eph', data: 'a' });
    await publish(first.url, { topic: 'eph', data: 'b' });
    await publish(first.url, { topic: 'eph', data: 'c' });
    const resumed = await openStream(first.url, ['eph'], { lastEventId: a.body.id as string });
    await resumed.waitFor((e) => e.some((x) => x.data === 'c'));
    expect(resumed.events.map((e) => [e.type, e.data])).toEqual([
      ['message', 'b'],
      ['message', 'c'],
    ]);
    resumed.close();
    await first.stop();

    const second = await hubFor({ ephemeral: true });
    await publish(second.url, { topic: 'eph', data: 'new-1' });
    await publish(second.url, { topic: 'eph', data: 'new-2' });
    const across = await openStream(second.url, ['eph'], { lastEventId: a.body.id as string });
    cleanups.push(async () => across.close());
    await publish(second.url, { topic: 'eph', data: 'end' });
    await across.waitFor((e) => e.some((x) => x.data === 'end'));
    // Nothing of the new process's history is passed off as following the old id.
    expect(across.events.map((e) => e.type)).toEqual(['reset', 'message']);
    expect(across.events[1]?.data).toBe('end');
    expect(JSON.parse(across.events[0]?.data ?? '{}').lastEventId).toBe(a.body.id);
  });
});
