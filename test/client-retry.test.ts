import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type HubEvent } from '../src/client/index.js';
import { startHub } from './support/hub-server.js';
import { openStream, publish } from './support/sse-stream.js';
import { bearer, hsToken, TEST_SECRET } from './support/tokens.js';
import { waitUntil } from './support/wait.js';

/**
 * docs/client.md: 429 answers are retried, no sooner than the hub's `Retry-After`;
 * the server's `retry:` is the backoff base. Against a real hub.
 */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A fetch that records when each stream attempt (a URL containing `path`) was made and what it was answered. */
function recordingFetch(path = '/events?') {
  const attempts: { at: number; status: number }[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const at = Date.now();
    const res = await fetch(input, init);
    if (String(input).includes(path)) attempts.push({ at, status: res.status });
    return res;
  };
  return { attempts, fetchImpl };
}

describe('client retries against a real hub', () => {
  it('retries a 429 TOO_MANY_STREAMS no sooner than its Retry-After, then streams', async () => {
    const hub = await startHub({ jwtSecret: TEST_SECRET, maxStreamsPerClient: 1 });
    cleanups.push(() => hub.stop());
    const token = await hsToken({ sub: 'alice', rights: { subscribe: ['q'], publish: ['q'] } });
    const holder = await openStream(hub.url, ['q'], { headers: bearer(token) });
    expect(holder.status).toBe(200);

    const { attempts, fetchImpl } = recordingFetch();
    // Backoff alone would retry at once (random 0): only Retry-After can hold it back.
    const client = createClient({
      url: hub.url,
      fetch: fetchImpl,
      getToken: () => token,
      reconnect: { initialRetryMs: 10, random: () => 0 },
    });
    const events: HubEvent[] = [];
    const sub = client.subscribe('q', { onEvent: (e) => events.push(e) });
    cleanups.push(() => sub.close());
    await waitUntil(() => attempts.length >= 1, 10_000, 'the first attempt');
    expect(attempts[0]?.status).toBe(429);
    holder.close(); // frees alice's slot
    await waitUntil(() => sub.status === 'live', 10_000, 'the client to get in');
    const ok = attempts.findIndex((a) => a.status === 200);
    // Every retry after a refusal waited the second Retry-After asked for.
    for (let i = 1; i <= ok; i++) {
      expect((attempts[i]?.at ?? 0) - (attempts[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    }
    await publish(hub.url, { topic: 'q', data: 'end' }, { headers: bearer(token) });
    await waitUntil(() => events.some((e) => e.data === 'end'), 10_000, 'the end marker');
  });

  it('a live collection refused with 503 HUB_BUSY retries after Retry-After and gets its snapshot', async () => {
    const hub = await startHub({ maxUnsentBytes: 1024 * 1024 });
    cleanups.push(() => hub.stop());
    const { attempts, fetchImpl } = recordingFetch('/live');
    const client = createClient({ url: hub.url, fetch: fetchImpl, reconnect: { initialRetryMs: 10, random: () => 0 } });
    const first = await client.create<{ n: number }>('notes', { n: 1 });
    // Another snapshot holds the whole budget: the next one does not fit (docs/collections.md).
    const held = hub.hub.hub.unsent.reserve(1024 * 1024);
    const live = client.liveCollection<{ n: number }>('notes');
    cleanups.push(() => live.close());
    await waitUntil(() => attempts.length >= 1, 10_000, 'the first /live attempt');
    expect(attempts[0]?.status).toBe(503);
    held.release();
    await waitUntil(() => live.ready, 10_000, 'the snapshot after the retry');
    expect(live.records.map((r) => r.id)).toEqual([first.id]);
    const ok = attempts.findIndex((a) => a.status === 200);
    for (let i = 1; i <= ok; i++) {
      expect((attempts[i]?.at ?? 0) - (attempts[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    }
  });

  it("waits a backoff based on the hub's retry: after a stream ends", async () => {
    // The stream ends at its lifetime; the hub's retry: 1500 ms is the base (random 0.99 → 1485 ms).
    const hub = await startHub({ retryMs: 1500, maxConnectionLifetimeMs: 300, heartbeatMs: 100 });
    cleanups.push(() => hub.stop());
    const { attempts, fetchImpl } = recordingFetch();
    const reconnectingAt: number[] = [];
    const client = createClient({
      url: hub.url,
      fetch: fetchImpl,
      reconnect: { initialRetryMs: 10, random: () => 0.99 },
    });
    const sub = client.subscribe('b', { onStatus: (s) => s === 'reconnecting' && reconnectingAt.push(Date.now()) });
    cleanups.push(() => sub.close());
    await waitUntil(() => attempts.length >= 2, 10_000, 'a reconnect');
    expect((attempts[1]?.at ?? 0) - (reconnectingAt[0] ?? 0)).toBeGreaterThanOrEqual(1480);
  });
});
