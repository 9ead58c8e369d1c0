import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type HubEvent } from '../src/client/index.js';
import { startHub } from './support/hub-server.js';
import { openStream, publish } from './support/sse-stream.js';
import { waitUntil } from './support/wait.js';

/**
 * docs/configuration.md: `--max-lifetime` closes streams after the lifetime ±10 %
 * (spread, so clients do not all come back at once), and clients reconnect and
 * resume with nothing lost.
 */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const LIFETIME_MS = 1000;

async function lifetimeHub() {
  // heartbeat 100 ms: the sweep that ends expired streams runs that often.
  const hub = await startHub({ maxConnectionLifetimeMs: LIFETIME_MS, heartbeatMs: 100, retryMs: 20 });
  cleanups.push(() => hub.stop());
  return hub;
}

describe('--max-lifetime', () => {
  it('ends each stream between 0.9 and 1.1 of the lifetime, spread rather than all at once', async () => {
    const hub = await lifetimeHub();
    const lifetimes = await Promise.all(
      Array.from({ length: 24 }, async () => {
        const opened = Date.now();
        const stream = await openStream(hub.url, ['life']);
        cleanups.push(() => stream.close());
        await stream.closed;
        return Date.now() - opened;
      }),
    );
    // Lower bound exact (a stream never ends early); upper bound: 1.1 × lifetime plus a sweep and load.
    for (const ms of lifetimes) {
      expect(ms).toBeGreaterThanOrEqual(0.9 * LIFETIME_MS);
      expect(ms).toBeLessThan(1.1 * LIFETIME_MS + 1000);
    }
    // Uniform over 200 ms, 24 streams: a spread under 100 ms is all but impossible with jitter,
    // while one shared deadline puts them all within a sweep (100 ms) of each other.
    expect(Math.max(...lifetimes) - Math.min(...lifetimes)).toBeGreaterThan(100);
    expect(hub.hub.hub.stats().connections).toBe(0);
  });

  it('the client reconnects at each lifetime end and resumes: every event exactly once, in order', async () => {
    const hub = await lifetimeHub();
    const client = createClient({ url: hub.url, reconnect: { initialRetryMs: 20, maxDelayMs: 100 } });
    const events: HubEvent[] = [];
    let reconnects = 0;
    const sub = client.subscribe('life', {
      onEvent: (e) => events.push(e),
      onStatus: (s) => {
        if (s === 'reconnecting') reconnects++;
      },
    });
    cleanups.push(() => sub.close());
    await waitUntil(() => sub.status === 'live', 10_000, 'the client to connect');
    // Publish across at least two lifetime ends.
    const sent: string[] = [];
    const until = Date.now() + 2.5 * LIFETIME_MS;
    for (let i = 0; Date.now() < until || reconnects < 2; i++) {
      await publish(hub.url, { topic: 'life', data: String(i) });
      sent.push(String(i));
      await new Promise((r) => setTimeout(r, 5));
    }
    await publish(hub.url, { topic: 'life', data: 'end' });
    await waitUntil(() => events.some((e) => e.data === 'end'), 10_000, 'the end marker');
    expect(reconnects).toBeGreaterThanOrEqual(2);
    expect(events.map((e) => e.data)).toEqual([...sent, 'end']);
  });
});
