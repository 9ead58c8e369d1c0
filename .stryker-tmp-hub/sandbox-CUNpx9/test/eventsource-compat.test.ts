// @ts-nocheck
import { EventSource } from 'eventsource';
import { afterEach, describe, expect, it } from 'vitest';
import { startHub } from './support/hub-server.js';
import { publish } from './support/sse-stream.js';
import { tempDir } from './support/temp-dir.js';
import { waitUntil } from './support/wait.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Seen {
  type: string;
  data: string;
  id: string;
}

function listen(url: string, types: string[] = ['message']): { source: EventSource; seen: Seen[]; opens: number[] } {
  const source = new EventSource(url);
  const seen: Seen[] = [];
  const opens: number[] = [];
  source.onopen = () => opens.push(Date.now());
  for (const type of types) {
    source.addEventListener(type, (e) => seen.push({ type, data: e.data, id: e.lastEventId }));
  }
  cleanups.push(() => source.close());
  return { source, seen, opens };
}

describe('compatibility with the npm eventsource client', () => {
  it('receives events, reconnects after a server restart and resumes with Last-Event-ID', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    let hub = await startHub({ dataDir: dir.path, retryMs: 200 });
    const port = hub.port;
    cleanups.push(() => hub.close());
    const { seen, opens, source } = listen(`${hub.url}/events?topic=compat`, ['message', 'reset']);
    await waitUntil(() => opens.length === 1);
    for (const n of [1, 2, 3]) await publish(hub.url, { topic: 'compat', data: `before-${n}` });
    await waitUntil(() => seen.length === 3);

    await hub.close();
    hub = await startHub({ dataDir: dir.path, port, retryMs: 200 });
    // Published while the client is still away: it must get these on reconnect.
    for (const n of [1, 2]) await publish(hub.url, { topic: 'compat', data: `while-away-${n}` });
    await waitUntil(() => opens.length === 2, 10_000, 'reconnect');
    await publish(hub.url, { topic: 'compat', data: 'live' });
    await waitUntil(() => seen.length === 6, 10_000, 'all six events');
    expect(seen.map((e) => e.data)).toEqual([
      'before-1',
      'before-2',
      'before-3',
      'while-away-1',
      'while-away-2',
      'live',
    ]);
    expect(new Set(seen.map((e) => e.id)).size).toBe(6);
    expect(source.readyState).toBe(EventSource.OPEN);
  });

  it('resumes after the server ends the stream at its maximum lifetime, with nothing lost or doubled', async () => {
    const hub = await startHub({ retryMs: 50, maxConnectionLifetimeMs: 300, heartbeatMs: 100 });
    cleanups.push(() => hub.stop());
    const { seen, opens } = listen(`${hub.url}/events?topic=life`);
    await waitUntil(() => opens.length === 1);
    let sent = 0;
    const deadline = Date.now() + 1_500;
    while (Date.now() < deadline) {
      await publish(hub.url, { topic: 'life', data: String(sent++) });
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitUntil(() => seen.length >= sent, 10_000, 'every event');
    expect(opens.length).toBeGreaterThanOrEqual(3);
    expect(seen.map((e) => e.data)).toEqual(Array.from({ length: sent }, (_, i) => String(i)));
  });

  it('gets the reset event for an id the hub does not know', async () => {
    const hub = await startHub();
    cleanups.push(() => hub.stop());
    const { seen } = listen(`${hub.url}/events?topic=x&lastEventId=bogus`, ['message', 'reset']);
    await waitUntil(() => seen.length === 1);
    expect(seen[0]?.type).toBe('reset');
    expect(JSON.parse(seen[0]?.data as string)).toMatchObject({ reason: 'unknown-id', lastEventId: 'bogus' });
  });
});
