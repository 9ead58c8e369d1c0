// @ts-nocheck
import { afterEach, describe, expect, it } from 'vitest';
import { startHub } from './support/hub-server.js';
import { openStream, publish, type RecordedStream } from './support/sse-stream.js';
import { bearer, hsToken, TEST_SECRET } from './support/tokens.js';
import { waitUntil } from './support/wait.js';

type Hub = Awaited<ReturnType<typeof startHub>>;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function hubFor(options: Parameters<typeof startHub>[0] = {}): Promise<Hub> {
  const hub = await startHub({ jwtSecret: TEST_SECRET, ...options });
  cleanups.push(() => hub.stop());
  return hub;
}

async function stream(hub: Hub, topics: string[], options: Parameters<typeof openStream>[2] = {}) {
  const s = await openStream(hub.url, topics, options);
  cleanups.push(() => s.close());
  return s;
}

/** What the client saw of the topics: `topic-marker data`, without session and id-only frames. */
function seen(s: RecordedStream): string[] {
  return s.events.filter((e) => e.type === 'message').map((e) => e.data);
}

/** Publishes as an admin; returns the event id. */
async function emit(hub: Hub, topic: string, data: string): Promise<string> {
  const admin = await hsToken({ sub: 'admin', rights: { subscribe: ['**'], publish: ['**'], admin: true } });
  const res = await publish(hub.url, { topic, data }, { headers: bearer(admin) });
  expect(res.status).toBe(200);
  return res.body.id as string;
}

describe('rights narrow what a stream receives to requested ∩ permitted', () => {
  it('a stream on ** with rights chat/* gets exactly the chat/* events, live', async () => {
    const hub = await hubFor();
    const alice = await hsToken({ sub: 'alice', rights: { subscribe: ['chat/*'] } });
    const s = await stream(hub, ['**'], { headers: bearer(alice) });
    expect(s.status).toBe(200);
    await s.waitFor((events) => events.some((e) => e.type === 'session'));
    await emit(hub, 'chat/a', 'chat/a');
    await emit(hub, 'secret/x', 'secret/x');
    await emit(hub, 'chat/a/b', 'chat/a/b');
    await emit(hub, 'chat', 'chat');
    await emit(hub, 'chat/end', 'end');
    await s.waitFor((events) => events.some((e) => e.data === 'end'));
    expect(seen(s)).toEqual(['chat/a', 'end']);
  });

  it('an event on several topics reaches the stream only through a topic both requested and permitted', async () => {
    const hub = await hubFor();
    const alice = await hsToken({ sub: 'alice', rights: { subscribe: ['chat/*'] } });
    const s = await stream(hub, ['secret/*', 'chat/a'], { headers: bearer(alice) });
    expect(s.status).toBe(200);
    const admin = await hsToken({ sub: 'admin', rights: { publish: ['**'] } });
    // Requested (secret/x) but not permitted, plus permitted (chat/b) but not requested: not delivered.
    await publish(hub.url, { topic: ['secret/x', 'chat/b'], data: 'neither' }, { headers: bearer(admin) });
    await publish(hub.url, { topic: ['secret/x', 'chat/a'], data: 'via chat/a' }, { headers: bearer(admin) });
    await emit(hub, 'chat/a', 'end');
    await s.waitFor((events) => events.some((e) => e.data === 'end'));
    expect(seen(s)).toEqual(['via chat/a', 'end']);
  });

  it('replay after an old Last-Event-ID shows none of the events the token may not read', async () => {
    const hub = await hubFor();
    const start = await emit(hub, 'chat/a', 'before');
    await emit(hub, 'secret/x', 'secret 1');
    await emit(hub, 'chat/b', 'chat/b');
    await emit(hub, 'secret/y', 'secret 2');
    await emit(hub, 'chat/a/b', 'deeper');
    await emit(hub, 'chat/end', 'end');
    const alice = await hsToken({ sub: 'alice', rights: { subscribe: ['chat/*'] } });
    const s = await stream(hub, ['**'], { headers: bearer(alice), lastEventId: start });
    expect(s.status).toBe(200);
    await s.waitFor((events) => events.some((e) => e.data === 'end'));
    expect(seen(s)).toEqual(['chat/b', 'end']);
    // And the admin, resuming from the same id, sees everything: the events are in the log.
    const admin = await hsToken({ sub: 'admin', rights: { subscribe: ['**'] } });
    const all = await stream(hub, ['**'], { headers: bearer(admin), lastEventId: start });
    await all.waitFor((events) => events.some((e) => e.data === 'end'));
    expect(seen(all)).toEqual(['secret 1', 'chat/b', 'secret 2', 'deeper', 'end']);
  });

  it('a request whose patterns permit nothing is 403 FORBIDDEN with a token, 401 TOKEN_MISSING without', async () => {
    const hub = await hubFor({ publicTopics: ['news/*'] });
    const alice = await hsToken({ sub: 'alice', rights: { subscribe: ['chat/*'] } });
    for (const topics of [['secret/x'], ['secret/*', 'chat/a/b'], ['news/a']]) {
      const s = await stream(hub, topics, { headers: bearer(alice) });
      expect([topics, s.status, JSON.parse(s.errorBody).error.code]).toEqual([topics, 403, 'FORBIDDEN']);
      const anonymous = await stream(hub, ['secret/x', ...topics.filter((t) => !t.startsWith('news'))]);
      expect([anonymous.status, JSON.parse(anonymous.errorBody).error.code]).toEqual([401, 'TOKEN_MISSING']);
    }
    const none = await hsToken({ sub: 'nobody' });
    const s = await stream(hub, ['**'], { headers: bearer(none) });
    expect([s.status, JSON.parse(s.errorBody).error.code]).toEqual([403, 'FORBIDDEN']);
  });
});

describe('public topics', () => {
  it('anonymous clients read the public topics (and only those) and may not publish', async () => {
    const hub = await hubFor({ publicTopics: ['news/*', 'status'] });
    const everything = await stream(hub, ['**']);
    const news = await stream(hub, ['news/*']);
    expect([everything.status, news.status]).toEqual([200, 200]);
    // Anonymous streams carry no session frame: there is no token to refresh.
    await emit(hub, 'news/today', 'news');
    await emit(hub, 'secret/x', 'secret');
    await emit(hub, 'status', 'status');
    await emit(hub, 'news/today/extra', 'deeper');
    await emit(hub, 'news/end', 'end');
    await everything.waitFor((events) => events.some((e) => e.data === 'end'));
    await news.waitFor((events) => events.some((e) => e.data === 'end'));
    expect(seen(everything)).toEqual(['news', 'status', 'end']);
    expect(seen(news)).toEqual(['news', 'end']);
    expect(everything.events.some((e) => e.type === 'session')).toBe(false);

    const before = (await hub.hub.log.position()).head;
    const res = await publish(hub.url, { topic: 'news/today', data: 'forged' });
    expect([res.status, res.body.error?.code]).toEqual([401, 'TOKEN_MISSING']);
    expect((await hub.hub.log.position()).head).toBe(before);
  });
});

describe('per-client stream quota', () => {
  it('the (limit+1)th stream of one sub is 429 TOO_MANY_STREAMS with Retry-After; closing one frees a slot', async () => {
    const hub = await hubFor({ maxStreamsPerClient: 3 });
    const rights = { subscribe: ['chat/*'] };
    // Two tokens of the same sub (different iat/exp) share one quota.
    const tokens = [await hsToken({ sub: 'alice', rights }), await hsToken({ sub: 'alice', rights, expiresIn: 1800 })];
    const open: RecordedStream[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await stream(hub, ['chat/*'], { headers: bearer(tokens[i % 2] as string) });
      expect(s.status).toBe(200);
      open.push(s);
    }
    const refused = await stream(hub, ['chat/*'], { headers: bearer(tokens[0] as string) });
    expect([refused.status, JSON.parse(refused.errorBody).error.code]).toEqual([429, 'TOO_MANY_STREAMS']);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.events).toEqual([]);

    // Another identity is not affected.
    const bob = await stream(hub, ['chat/*'], { headers: bearer(await hsToken({ sub: 'bob', rights })) });
    expect(bob.status).toBe(200);

    open[0]?.close();
    await waitUntil(
      async () => ((await (await fetch(`${hub.url}/healthz`)).json()) as { connections: number }).connections === 3,
      10_000,
      'the closed stream to be released',
    );
    const again = await stream(hub, ['chat/*'], { headers: bearer(tokens[0] as string) });
    expect(again.status).toBe(200);
    const over = await stream(hub, ['chat/*'], { headers: bearer(tokens[1] as string) });
    expect(over.status).toBe(429);

    // The open streams still work.
    await emit(hub, 'chat/a', 'still live');
    await again.waitFor((events) => events.some((e) => e.data === 'still live'));
    await open[2]?.waitFor((events) => events.some((e) => e.data === 'still live'));
  });

  it('a client at its limit can still hand its stream a fresh token (the stream keeps its slot)', async () => {
    const hub = await hubFor({ maxStreamsPerClient: 1 });
    const rights = { subscribe: ['chat/*'] };
    const s = await stream(hub, ['chat/*'], { headers: bearer(await hsToken({ sub: 'alice', rights })) });
    await s.waitFor((events) => events.some((e) => e.type === 'session'));
    const { session } = JSON.parse(s.events.find((e) => e.type === 'session')?.data as string) as { session: string };
    // A refused refresh (rights that permit none of the stream's topics) leaves the quota as it was.
    const narrower = await hsToken({ sub: 'alice', rights: { subscribe: ['news/*'] } });
    const refused = await fetch(`${hub.url}/events/sessions/${session}`, {
      method: 'POST',
      headers: { ...bearer(narrower), 'content-type': 'application/json' },
    });
    expect([refused.status, ((await refused.json()) as { error: { code: string } }).error.code]).toEqual([
      403,
      'FORBIDDEN',
    ]);
    expect((await stream(hub, ['chat/*'], { headers: bearer(narrower) })).status).toBe(403);
    expect((await stream(hub, ['news/*'], { headers: bearer(narrower) })).status).toBe(429);
    const fresh = await hsToken({ sub: 'alice', rights, expiresIn: 7200 });
    const res = await fetch(`${hub.url}/events/sessions/${session}`, {
      method: 'POST',
      headers: { ...bearer(fresh), 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    // Still one stream's worth of quota: a second stream is refused, the refreshed one keeps receiving.
    const second = await stream(hub, ['chat/*'], { headers: bearer(fresh) });
    expect(second.status).toBe(429);
    await emit(hub, 'chat/a', 'after refresh');
    await s.waitFor((events) => events.some((e) => e.data === 'after refresh'));
  });
});
