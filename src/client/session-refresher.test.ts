import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionRefresher } from './session-refresher.js';

interface Call {
  url: string;
  init: RequestInit | undefined;
  at: number;
}

/** A hub answering session refreshes as `answer` says; records every call. */
function fakeHub(answer: (call: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fetchImpl = (async (url: string, init?: RequestInit) => {
    const call = { url, init, at: Date.now() };
    calls.push(call);
    return answer(call);
  }) as typeof fetch;
  return { calls, fetchImpl };
}

const T0 = 1_000_000_000_000;
const session = (expiresAt: number, id = 's1') => JSON.stringify({ session: id, expiresAt });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

function refresher(answer: (call: Call) => Response | Promise<Response>, getToken = async () => 'tok') {
  const hub = fakeHub(answer);
  const r = new SessionRefresher({
    fetch: hub.fetchImpl,
    sessionUrl: (s) => `http://hub/events/sessions/${s}`,
    getToken,
  });
  return { ...hub, r };
}

describe('SessionRefresher', () => {
  it('posts a fresh token a fifth of the remaining time before expiry, and again for the new expiry', async () => {
    const { calls, r } = refresher(() => Response.json({ expiresAt: T0 + 80_000 + 10_000 }));
    r.onSessionEvent(session(T0 + 100_000)); // 100 s left: refresh 20 s before
    await vi.advanceTimersByTimeAsync(79_999);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe('http://hub/events/sessions/s1');
    expect(calls[0]?.init).toMatchObject({
      method: 'POST',
      headers: { Authorization: 'Bearer tok', 'Content-Type': 'application/json' },
      body: '{}',
    });
    // The new token lasts 10 s: refreshed 2 s before (a fifth), at 88 s.
    await vi.advanceTimersByTimeAsync(7_999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    r.stop();
  });

  it('refreshes at least 1 s and at most 30 s ahead', async () => {
    const { calls, r } = refresher(() => new Response('', { status: 500 }));
    r.onSessionEvent(session(T0 + 3_000)); // a fifth would be 0.6 s: 1 s
    await vi.advanceTimersByTimeAsync(1_999);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(1);
    r.onSessionEvent(session(Date.now() + 1_000_000)); // a fifth would be 200 s: 30 s
    await vi.advanceTimersByTimeAsync(969_999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
  });

  it('refreshes at once when the expiry is already past', async () => {
    const { calls, r } = refresher(() => new Response('', { status: 500 }));
    r.onSessionEvent(session(T0 - 5_000));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
  });

  it('ignores session data it cannot read', async () => {
    const { calls, r } = refresher(() => Response.json({ expiresAt: T0 + 10_000 }));
    for (const data of ['not json', '{}', '{"session":1,"expiresAt":5}', '{"session":"s","expiresAt":"5"}']) {
      r.onSessionEvent(data);
    }
    await vi.advanceTimersByTimeAsync(10_000_000);
    expect(calls).toHaveLength(0);
  });

  it('replaces an earlier session: only the newest is refreshed', async () => {
    const { calls, r } = refresher(() => new Response('', { status: 500 }));
    r.onSessionEvent(session(T0 + 10_000, 'old'));
    r.onSessionEvent(session(T0 + 20_000, 'new'));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(calls.map((c) => c.url)).toEqual(['http://hub/events/sessions/new']);
  });

  it('stops refreshing after a refused refresh, a failed token fetch, or stop()', async () => {
    const refused = refresher(() => Response.json({ expiresAt: T0 + 50_000 }, { status: 403 }));
    refused.r.onSessionEvent(session(T0 + 10_000));
    await vi.advanceTimersByTimeAsync(100_000);
    expect(refused.calls).toHaveLength(1);

    const noToken = refresher(
      () => Response.json({ expiresAt: T0 + 50_000 }),
      async () => {
        throw new Error('logged out');
      },
    );
    noToken.r.onSessionEvent(session(T0 + 10_000));
    await vi.advanceTimersByTimeAsync(100_000);
    expect(noToken.calls).toHaveLength(0);

    const oddBody = refresher(() => Response.json({ expiresAt: 'later' }));
    oddBody.r.onSessionEvent(session(T0 + 10_000));
    await vi.advanceTimersByTimeAsync(100_000);
    expect(oddBody.calls).toHaveLength(1);

    const stopped = refresher(() => Response.json({ expiresAt: T0 + 50_000 }));
    stopped.r.onSessionEvent(session(T0 + 10_000));
    stopped.r.stop();
    await vi.advanceTimersByTimeAsync(100_000);
    expect(stopped.calls).toHaveLength(0);
    stopped.r.onSessionEvent(session(Date.now() + 10_000)); // a session after stop() is ignored
    await vi.advanceTimersByTimeAsync(100_000);
    expect(stopped.calls).toHaveLength(0);
  });

  it('does not reschedule when stopped while a refresh is in flight', async () => {
    let release: (r: Response) => void = () => {};
    const { calls, r } = refresher(
      () =>
        new Promise<Response>((resolve) => {
          release = resolve;
        }),
    );
    r.onSessionEvent(session(T0 + 10_000));
    await vi.advanceTimersByTimeAsync(8_000);
    expect(calls).toHaveLength(1);
    r.stop();
    release(Response.json({ expiresAt: Date.now() + 10_000 }));
    await vi.advanceTimersByTimeAsync(100_000);
    expect(calls).toHaveLength(1);
  });
});
