import { afterEach, describe, expect, it } from 'vitest';
import { startHub } from './support/hub-server.js';
import { runCli, spawnCli } from './support/run-cli.js';
import { openStream, publish } from './support/sse-stream.js';
import { StallingProxy } from './support/tcp-proxy.js';
import { bearer, hsToken, TEST_SECRET } from './support/tokens.js';
import { waitUntil } from './support/wait.js';

/** README: `ssehub tail` "resumes after disconnects": every event printed exactly once. */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('ssehub tail across a network outage', () => {
  it('reconnects with the last id and prints every event exactly once, including those published while cut off', async () => {
    // retry: 50 ms so the tail comes back quickly once the network does.
    const hub = await startHub({ retryMs: 50 });
    cleanups.push(() => hub.stop());
    const proxy = await StallingProxy.start({ host: '127.0.0.1', port: hub.port }, 'no-connection-is-stalled');
    cleanups.push(() => proxy.close());
    const tail = spawnCli(['tail', '--url', `http://127.0.0.1:${proxy.port}`, '--topic', 'tail/*', '--json']);
    cleanups.push(() => tail.child.kill('SIGKILL'));
    const printed = () =>
      tail
        .stdout()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as { id: string; data: string });
    await waitUntil(() => hub.hub.hub.stats().connections === 1, 20_000, 'the tail to connect');

    const ids: string[] = [];
    const send = async (data: string) =>
      ids.push((await publish(hub.url, { topic: 'tail/x', data })).body.id as string);
    for (let i = 0; i < 5; i++) await send(`before-${i}`);
    await waitUntil(() => printed().length === 5, 15_000, 'the first events');

    proxy.cut();
    await waitUntil(() => hub.hub.hub.stats().connections === 0, 10_000, 'the hub to see the stream gone');
    for (let i = 0; i < 5; i++) await send(`during-${i}`);
    // The tail has tried (and failed) to reconnect while the network was down.
    await waitUntil(() => /reconnecting/.test(tail.stderr()), 10_000, 'a failed reconnect');
    proxy.restore();
    await waitUntil(() => hub.hub.hub.stats().connections === 1, 15_000, 'the tail to reconnect');
    await send('end');
    await waitUntil(() => printed().some((e) => e.data === 'end'), 15_000, 'the end marker');

    expect(printed().map((e) => e.data)).toEqual([
      ...Array.from({ length: 5 }, (_, i) => `before-${i}`),
      ...Array.from({ length: 5 }, (_, i) => `during-${i}`),
      'end',
    ]);
    expect(printed().map((e) => e.id)).toEqual(ids);
  }, 60_000);

  it('waits out a 429 for at least its Retry-After, then resumes (other 4xx stop it)', async () => {
    const hub = await startHub({ retryMs: 50, jwtSecret: TEST_SECRET, maxStreamsPerClient: 1 });
    cleanups.push(() => hub.stop());
    const proxy = await StallingProxy.start({ host: '127.0.0.1', port: hub.port }, 'no-connection-is-stalled');
    cleanups.push(() => proxy.close());
    const token = await hsToken({ sub: 'ops', rights: { subscribe: ['tail/*'], publish: ['tail/*'] } });
    const url = `http://127.0.0.1:${proxy.port}`;
    const tail = spawnCli(['tail', '--url', url, '--topic', 'tail/*'], { SSEHUB_TOKEN: token });
    cleanups.push(() => tail.child.kill('SIGKILL'));
    await waitUntil(() => hub.hub.hub.stats().connections === 1, 20_000, 'the tail to connect');
    // Once an event is printed, the retry: 50 sent before it has been read too.
    const first = await publish(hub.url, { topic: 'tail/x', data: 'first' }, { headers: bearer(token) });
    await waitUntil(() => tail.stdout().includes('\tfirst'), 15_000, 'the first event');

    // While the tail is cut off, another stream of the same identity takes its only slot.
    proxy.cut();
    await waitUntil(() => hub.hub.hub.stats().connections === 0, 10_000, 'the slot to free');
    const holder = await openStream(hub.url, ['tail/*'], { headers: bearer(token) });
    cleanups.push(() => holder.close());
    const during = await publish(hub.url, { topic: 'tail/x', data: 'during' }, { headers: bearer(token) });
    proxy.restore();
    // The refusal's Retry-After (1 s) wins over the hub's 50 ms retry:.
    await waitUntil(() => /429 TOO_MANY_STREAMS.*reconnecting in 1000 ms/.test(tail.stderr()), 15_000, 'the 429');
    holder.close();
    await waitUntil(() => hub.hub.hub.stats().connections === 1, 15_000, 'the tail to get back in');
    const last = await publish(hub.url, { topic: 'tail/x', data: 'end' }, { headers: bearer(token) });
    await waitUntil(() => tail.stdout().includes('\tend'), 15_000, 'the end marker');
    expect(tail.stdout().trim().split('\n')).toEqual([
      `${first.body.id}\tmessage\tfirst`,
      `${during.body.id}\tmessage\tduring`,
      `${last.body.id}\tmessage\tend`,
    ]);

    const refused = await runCli(['tail', '--url', hub.url, '--topic', 'other'], { SSEHUB_TOKEN: token });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/403 FORBIDDEN/);
  }, 60_000);
});
