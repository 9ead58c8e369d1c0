import { afterEach, describe, expect, it } from 'vitest';
import { waitUntil } from '../../test/support/wait.js';
import { retryAfterMs } from './client-error.js';
import { FetchStream } from './fetch-stream.js';
import type { ConnectionStatus } from './types.js';

/**
 * The fetch transport's retry decisions, with a scripted fetch standing in for
 * answers a real hub cannot be made to give a fetch client on demand (a 408
 * comes from a request that stalled in its headers). The real-hub side (429
 * with Retry-After, `retry:` as the base) is in test/client-retry.test.ts.
 */
interface Attempt {
  at: number;
  lastEventId: string | null;
}

function scriptedFetch(answers: (() => Response)[]) {
  const attempts: Attempt[] = [];
  const fetchImpl = (async (_url: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    attempts.push({ at: Date.now(), lastEventId: headers.get('last-event-id') });
    const answer = answers.shift();
    if (!answer) return new Promise<Response>(() => {}); // the script is over: hang like a quiet stream
    return answer();
  }) as typeof fetch;
  return { fetchImpl, attempts };
}

const json = (status: number, code: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ error: { code, message: code } }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

const open: FetchStream[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

function start(answers: (() => Response)[]) {
  const { fetchImpl, attempts } = scriptedFetch(answers);
  const errors: Error[] = [];
  const statuses: ConnectionStatus[] = [];
  const stream = new FetchStream(
    { url: 'http://hub.test/events?topic=t', types: [] },
    { onEvent: () => {}, onStatus: (s) => statuses.push(s), onError: (e) => errors.push(e) },
    fetchImpl,
    { initialRetryMs: 10, maxDelayMs: 5_000, maxRetries: Number.POSITIVE_INFINITY, random: () => 0.5 },
  );
  open.push(stream);
  return { stream, attempts, errors, statuses };
}

describe('FetchStream retries', () => {
  it('retries a 408 and a 429, gives up on another 4xx with the hub error', async () => {
    const { attempts, errors, stream } = start([
      () => json(408, 'REQUEST_TIMEOUT'),
      () => json(429, 'TOO_MANY_STREAMS'),
      () => json(403, 'FORBIDDEN'),
    ]);
    await waitUntil(() => errors.length === 1, 5_000, 'the client to give up');
    expect(attempts).toHaveLength(3);
    expect((errors[0] as { code?: string }).code).toBe('FORBIDDEN');
    expect(stream.status).toBe('offline');
  });

  it('waits at least Retry-After before the next attempt, even when its backoff is shorter', async () => {
    const { attempts } = start([() => json(503, 'HUB_BUSY', { 'retry-after': '1' }), () => json(503, 'HUB_BUSY')]);
    await waitUntil(() => attempts.length === 3, 5_000, 'three attempts');
    const [first, second, third] = attempts.map((a) => a.at) as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(1000);
    // Without Retry-After the backoff applies again (base 10 ms, attempt 1: at most 20 ms, plus scheduling).
    expect(third - second).toBeLessThan(1000);
  });

  it("takes the server's retry: as the backoff base once seen", async () => {
    const stream = (body: string) => () =>
      new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
    // The first stream sets retry: 1500 and ends; random 0.5 → the reconnect waits 750 ms, not 5 ms.
    const { attempts } = start([stream('retry: 1500\nid: e-1\ndata: x\n\n'), stream('id: e-2\ndata: y\n\n')]);
    await waitUntil(() => attempts.length === 3, 5_000, 'three attempts');
    const [first, second, third] = attempts as [Attempt, Attempt, Attempt];
    expect(second.at - first.at).toBeGreaterThanOrEqual(750);
    expect(third.at - second.at).toBeGreaterThanOrEqual(750);
    expect([first.lastEventId, second.lastEventId, third.lastEventId]).toEqual([null, 'e-1', 'e-2']);
  });
});

describe('retryAfterMs', () => {
  it('reads delay-seconds and HTTP dates, and ignores what it cannot read', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('', now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('-1', now)).toBeUndefined();
  });
});
