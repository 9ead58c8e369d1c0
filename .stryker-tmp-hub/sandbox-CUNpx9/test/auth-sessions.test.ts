// @ts-nocheck
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../src/client/index.js';
import type { ConnectionStatus, HubEvent } from '../src/client/types.js';
import { SESSION_EVENT, type SessionData } from '../src/protocol/wire.js';
import { startHub } from './support/hub-server.js';
import { openStream, publish } from './support/sse-stream.js';
import { bearer, hsToken, TEST_SECRET } from './support/tokens.js';
import { waitUntil } from './support/wait.js';

/**
 * Token expiry on open streams: a stream ends no later than its token's exp,
 * unless the client hands it a fresh token of the same identity in place.
 */
describe('stream sessions and token expiry', () => {
  let hub: Awaited<ReturnType<typeof startHub>>;
  let publisher: Record<string, string>;

  beforeAll(async () => {
    // Heartbeat 200 ms: the sweep that ends expired streams runs at that pace.
    hub = await startHub({ jwtSecret: TEST_SECRET, heartbeatMs: 200 });
    publisher = bearer(await hsToken({ sub: 'backend', rights: { publish: ['**'] } }));
  });
  afterAll(() => hub.stop());

  const send = async (topic: string, data: string) => {
    const res = await publish(hub.url, { topic, data }, { headers: publisher });
    expect(res.status).toBe(200);
  };
  const sessionOf = (events: { type: string; data: string }[]) =>
    JSON.parse(events.find((e) => e.type === SESSION_EVENT)?.data ?? 'null') as SessionData;
  const refresh = (session: string, headers: Record<string, string>) =>
    fetch(new URL(`/events/sessions/${session}`, hub.url), {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{}',
    });
  const untilPast = (ms: number) => waitUntil(() => Date.now() > ms, ms - Date.now() + 5_000, 'the old exp');

  it('ends a stream at its token exp, not before', async () => {
    const token = await hsToken({ sub: 'ada', rights: { subscribe: ['chat'] }, expiresIn: 2 });
    const stream = await openStream(hub.url, ['chat'], { headers: bearer(token) });
    expect(stream.status).toBe(200);
    await stream.waitFor((events) => events.some((e) => e.type === SESSION_EVENT));
    const { expiresAt } = sessionOf(stream.events);
    await send('chat', 'one');
    await stream.waitFor((events) => events.some((e) => e.data === 'one'));
    await stream.closed;
    const closedAt = Date.now();
    expect(closedAt).toBeGreaterThanOrEqual(expiresAt - 50);
    // The sweep runs every 200 ms; a generous bound that still fails if exp is ignored.
    expect(closedAt).toBeLessThan(expiresAt + 3_000);
  });

  it('keeps a stream open past exp when handed a fresh token, with nothing lost or doubled', async () => {
    const short = await hsToken({ sub: 'bob', rights: { subscribe: ['chat'] }, expiresIn: 2 });
    const stream = await openStream(hub.url, ['chat'], { headers: bearer(short) });
    await stream.waitFor((events) => events.some((e) => e.type === SESSION_EVENT));
    const { session, expiresAt } = sessionOf(stream.events);
    expect(session).toMatch(/^[A-Za-z0-9_-]{24}$/);
    let ended = false;
    void stream.closed.then(() => {
      ended = true;
    });
    await send('chat', 'before');

    // Refusals first: another identity, no token, an unknown session.
    const other = await refresh(session, bearer(await hsToken({ sub: 'eve', rights: { subscribe: ['chat'] } })));
    expect(other.status).toBe(403);
    expect((await other.json()).error.code).toBe('FORBIDDEN');
    const anonymous = await refresh(session, {});
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe('TOKEN_MISSING');
    const unknown = await refresh('no-such-session', bearer(short));
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('SESSION_NOT_FOUND');

    const long = await hsToken({ sub: 'bob', rights: { subscribe: ['chat'] }, expiresIn: 60 });
    const ok = await refresh(session, bearer(long));
    expect(ok.status).toBe(200);
    expect((await ok.json()).expiresAt).toBeGreaterThan(expiresAt);

    await untilPast(expiresAt + 1_000);
    await send('chat', 'after');
    await send('chat', 'end');
    await stream.waitFor((events) => events.some((e) => e.data === 'end'));
    expect(ended).toBe(false);
    expect(stream.events.filter((e) => e.type === 'message').map((e) => e.data)).toEqual(['before', 'after', 'end']);
    stream.close();
  });

  it('applies narrowed rights from the next event after a refresh', async () => {
    const wide = await hsToken({ sub: 'cy', rights: { subscribe: ['chat/*'] } });
    const stream = await openStream(hub.url, ['chat/*'], { headers: bearer(wide) });
    await stream.waitFor((events) => events.some((e) => e.type === SESSION_EVENT));
    const { session } = sessionOf(stream.events);
    await send('chat/b', 'b-before');
    await stream.waitFor((events) => events.some((e) => e.data === 'b-before'));
    const narrow = await hsToken({ sub: 'cy', rights: { subscribe: ['chat/a'] } });
    expect((await refresh(session, bearer(narrow))).status).toBe(200);
    await send('chat/b', 'b-after');
    await send('chat/a', 'a-end');
    await stream.waitFor((events) => events.some((e) => e.data === 'a-end'));
    expect(stream.events.filter((e) => e.type === 'message').map((e) => e.data)).toEqual(['b-before', 'a-end']);
    stream.close();
  });

  it('refuses a refresh that would permit nothing the stream asked for', async () => {
    const token = await hsToken({ sub: 'dee', rights: { subscribe: ['chat'] } });
    const stream = await openStream(hub.url, ['chat'], { headers: bearer(token) });
    await stream.waitFor((events) => events.some((e) => e.type === SESSION_EVENT));
    const none = await hsToken({ sub: 'dee', rights: { subscribe: ['other'] } });
    const res = await refresh(sessionOf(stream.events).session, bearer(none));
    expect(res.status).toBe(403);
    await send('chat', 'still-old-rights');
    await stream.waitFor((events) => events.some((e) => e.data === 'still-old-rights'));
    stream.close();
  });

  it('the client SDK refreshes its stream ahead of exp by itself, without reconnecting', async () => {
    let tokensIssued = 0;
    const statuses: ConnectionStatus[] = [];
    const received: HubEvent[] = [];
    const client = createClient({
      url: hub.url,
      shareAcrossTabs: false,
      getToken: () => {
        tokensIssued++;
        return hsToken({ sub: 'sdk', rights: { subscribe: ['chat/sdk'] }, expiresIn: 2 });
      },
    });
    const sub = client.subscribe('chat/sdk', {
      onEvent: (e) => received.push(e),
      onStatus: (s) => statuses.push(s),
    });
    await waitUntil(() => sub.status === 'live', 10_000, 'the stream to open');
    // Spans at least two token lifetimes: without refresh the stream would end twice.
    const endAt = Date.now() + 5_000;
    const sent: string[] = [];
    for (let i = 0; Date.now() < endAt; i++) {
      sent.push(`n${i}`);
      await send('chat/sdk', `n${i}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await send('chat/sdk', 'end');
    await waitUntil(() => received.some((e) => e.data === 'end'), 10_000, 'the end marker');
    sub.close();
    expect(received.map((e) => e.data)).toEqual([...sent, 'end']);
    expect(statuses).not.toContain('reconnecting');
    expect(tokensIssued).toBeGreaterThanOrEqual(3);
  });
});
