// @ts-nocheck
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawResponse, sendRaw } from './support/http-request.js';
import { startHub } from './support/hub-server.js';
import { openStream } from './support/sse-stream.js';
import { hsToken, TEST_SECRET } from './support/tokens.js';

const ALLOWED = 'http://allowed.test';
const EVIL = 'http://evil.test';
const RIGHTS = { subscribe: ['**'], publish: ['**'], admin: true };

type Hub = Awaited<ReturnType<typeof startHub>>;
const hubs: Hub[] = [];
async function hubWith(options: Parameters<typeof startHub>[0]): Promise<Hub> {
  const hub = await startHub({ jwtSecret: TEST_SECRET, ...options });
  hubs.push(hub);
  return hub;
}
afterAll(async () => {
  for (const hub of hubs) await hub.stop();
});

/** Events in the log: writes that got through append one each (publish and record writes). */
const logSize = async (hub: Hub) => (await hub.hub.log.readAfter(0, 100_000)).length;

const json = (extra: Record<string, string> = {}) => ({ 'content-type': 'application/json', ...extra });

describe('state changes carry JSON', () => {
  let open: Hub;
  beforeAll(async () => {
    open = await startHub({}); // open mode: no key, loopback
    hubs.push(open);
  });

  it.each([
    ['no Content-Type', {}],
    ['text/plain', { 'content-type': 'text/plain' }],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['multipart', { 'content-type': 'multipart/form-data; boundary=x' }],
  ])('refuses a publish with %s (415), nothing written', async (_, headers) => {
    const before = await logSize(open);
    const res = await sendRaw(`${open.url}/publish`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ topic: 'a', data: 'x' }),
    });
    expect(res.status).toBe(415);
    expect(res.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await logSize(open)).toBe(before);
  });

  it('refuses record writes without JSON, accepts application/json and +json', async () => {
    const before = await logSize(open);
    for (const method of ['POST', 'PUT', 'PATCH']) {
      const path = method === 'POST' ? '/collections/notes/records' : '/collections/notes/records/r1';
      const res = await sendRaw(`${open.url}${path}`, { method, body: '{"text":"x"}' });
      expect([method, res.status, res.code]).toEqual([method, 415, 'UNSUPPORTED_MEDIA_TYPE']);
    }
    expect(await logSize(open)).toBe(before);
    const ok = await sendRaw(`${open.url}/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.api+json; charset=utf-8' },
      body: JSON.stringify({ topic: 'a', data: 'x' }),
    });
    expect(ok.status).toBe(200);
  });
});

describe('cookie-authenticated writes need a trusted Origin (CSRF)', () => {
  let hub: Hub;
  let cookie: string;
  let bearer: string;
  beforeAll(async () => {
    hub = await hubWith({ corsOrigins: [ALLOWED], publishRate: 1000, publishBurst: 1000 });
    cookie = `ssehub_token=${await hsToken({ sub: 'visitor', claims: { ssehub: RIGHTS } })}`;
    bearer = `Bearer ${await hsToken({ sub: 'service', claims: { ssehub: RIGHTS } })}`;
    await hub.hub.collections!.insert('notes', { text: 'original' });
  });

  const publishWith = (headers: Record<string, string>) =>
    sendRaw(`${hub.url}/publish`, {
      method: 'POST',
      headers: json(headers),
      body: JSON.stringify({ topic: 'board', data: 'forged?' }),
    });

  it.each([
    ['a foreign Origin', { origin: EVIL }],
    ['a foreign Referer and no Origin', { referer: `${EVIL}/page.html` }],
    ['Origin: null (sandboxed frame)', { origin: 'null' }],
    ['neither Origin nor Referer', {}],
    ['a same-host origin on another port', { origin: 'http://127.0.0.1:1' }],
  ])('refuses a publish from %s: 403 ORIGIN_NOT_ALLOWED, nothing written', async (_, headers) => {
    const before = await logSize(hub);
    const res = await publishWith({ cookie, ...headers });
    expect(res.status).toBe(403);
    expect(res.code).toBe('ORIGIN_NOT_ALLOWED');
    expect(await logSize(hub)).toBe(before);
  });

  it('refuses every record write from a foreign origin, nothing written', async () => {
    const [record] = (await hub.hub.collections!.list('notes')).records;
    const before = await logSize(hub);
    const attempts: [string, string, string | undefined][] = [
      ['POST', '/collections/notes/records', '{"text":"forged"}'],
      ['PUT', `/collections/notes/records/${record!.id}`, '{"text":"forged"}'],
      ['PATCH', `/collections/notes/records/${record!.id}`, '{"text":"forged"}'],
      ['DELETE', `/collections/notes/records/${record!.id}`, undefined],
      ['PUT', '/collections/notes/schema', '{"type":"object"}'],
    ];
    for (const [method, path, body] of attempts) {
      const res = await sendRaw(`${hub.url}${path}`, {
        method,
        headers: json({ cookie, origin: EVIL }),
        ...(body !== undefined && { body }),
      });
      expect([method, path, res.status, res.code]).toEqual([method, path, 403, 'ORIGIN_NOT_ALLOWED']);
    }
    expect(await logSize(hub)).toBe(before);
    const after = await hub.hub.collections!.get('notes', record!.id);
    expect(after.data).toEqual({ text: 'original' });
    expect(await hub.hub.collections!.getSchema('notes')).toBeUndefined();
  });

  it('accepts the cookie from the hub itself and from a listed origin', async () => {
    const own = await publishWith({ cookie, origin: hub.url });
    expect(own.status).toBe(200);
    const listed = await publishWith({ cookie, origin: ALLOWED });
    expect(listed.status).toBe(200);
    const referred = await publishWith({ cookie, referer: `${hub.url}/index.html` });
    expect(referred.status).toBe(200);
  });

  it('lets requests without ambient authority through: a Bearer token from anywhere, reads with the cookie', async () => {
    const viaBearer = await publishWith({ authorization: bearer, origin: EVIL });
    expect(viaBearer.status).toBe(200);
    const read = await sendRaw(`${hub.url}/collections/notes/records`, { headers: { cookie, origin: EVIL } });
    expect(read.status).toBe(200);
    // ...but the browser may not show it to the foreign page: no CORS grant.
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS with credentials', () => {
  let listed: Hub;
  let star: Hub;
  let cookie: string;
  beforeAll(async () => {
    listed = await hubWith({ corsOrigins: [ALLOWED], publicTopics: ['public/**'] });
    star = await hubWith({ corsOrigins: ['*'], publicTopics: ['public/**'] });
    cookie = `ssehub_token=${await hsToken({ sub: 'visitor', claims: { ssehub: RIGHTS } })}`;
  });

  const cors = (res: RawResponse) => ({
    origin: res.headers['access-control-allow-origin'],
    credentials: res.headers['access-control-allow-credentials'],
  });

  it('grants a listed origin its own name with credentials, never *', async () => {
    const res = await sendRaw(`${listed.url}/healthz`, { headers: { origin: ALLOWED, cookie } });
    expect(cors(res)).toEqual({ origin: ALLOWED, credentials: 'true' });
    expect(res.headers.vary).toMatch(/Origin/);
  });

  it('grants nothing to an unlisted origin, preflight included', async () => {
    const res = await sendRaw(`${listed.url}/healthz`, { headers: { origin: EVIL } });
    expect(cors(res)).toEqual({ origin: undefined, credentials: undefined });
    const preflight = await sendRaw(`${listed.url}/publish`, {
      method: 'OPTIONS',
      headers: {
        origin: EVIL,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(cors(preflight)).toEqual({ origin: undefined, credentials: undefined });
    const allowedPreflight = await sendRaw(`${listed.url}/publish`, {
      method: 'OPTIONS',
      headers: { origin: ALLOWED, 'access-control-request-method': 'POST' },
    });
    expect(allowedPreflight.status).toBe(204);
    expect(cors(allowedPreflight)).toEqual({ origin: ALLOWED, credentials: 'true' });
  });

  it('with *, serves cookieless requests from any origin without credentials, and cookie requests not at all', async () => {
    const anonymous = await sendRaw(`${star.url}/healthz`, { headers: { origin: EVIL } });
    expect(cors(anonymous)).toEqual({ origin: EVIL, credentials: undefined });
    const withCookie = await sendRaw(`${star.url}/healthz`, { headers: { origin: EVIL, cookie } });
    expect(cors(withCookie)).toEqual({ origin: undefined, credentials: undefined });
    const preflight = await sendRaw(`${star.url}/publish`, {
      method: 'OPTIONS',
      headers: { origin: EVIL, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('with *, a foreign page still cannot write with the cookie', async () => {
    const before = await logSize(star);
    const res = await sendRaw(`${star.url}/publish`, {
      method: 'POST',
      headers: json({ cookie, origin: EVIL }),
      body: JSON.stringify({ topic: 'public/x', data: 'forged' }),
    });
    expect([res.status, res.code]).toEqual([403, 'ORIGIN_NOT_ALLOWED']);
    expect(await logSize(star)).toBe(before);
  });
});

describe('publish rate per identity', () => {
  let hub: Hub;
  let alice: string;
  let bob: string;
  beforeAll(async () => {
    hub = await hubWith({ publishRate: 0.5, publishBurst: 3 });
    alice = `Bearer ${await hsToken({ sub: 'alice', claims: { ssehub: RIGHTS } })}`;
    bob = `Bearer ${await hsToken({ sub: 'bob', claims: { ssehub: RIGHTS } })}`;
  });

  const publishAs = (authorization: string, data: string) =>
    sendRaw(`${hub.url}/publish`, {
      method: 'POST',
      headers: json({ authorization }),
      body: JSON.stringify({ topic: 'rate', data }),
    });

  it('allows the burst, then answers 429 RATE_LIMITED with Retry-After and writes nothing', async () => {
    for (const n of [1, 2, 3]) expect((await publishAs(alice, `a${n}`)).status).toBe(200);
    const before = await logSize(hub);
    const limited = await publishAs(alice, 'a4');
    expect(limited.status).toBe(429);
    expect(limited.code).toBe('RATE_LIMITED');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2); // one token at 0.5/s
    // Record writes draw on the same bucket: they append events too.
    const record = await sendRaw(`${hub.url}/collections/notes/records`, {
      method: 'POST',
      headers: json({ authorization: alice }),
      body: '{"text":"x"}',
    });
    expect([record.status, record.code]).toEqual([429, 'RATE_LIMITED']);
    expect(await logSize(hub)).toBe(before);
    expect((await hub.hub.collections!.names()).map((c) => c.name)).not.toContain('notes');
    // Another identity has its own bucket.
    expect((await publishAs(bob, 'b1')).status).toBe(200);
  });
});

describe('the client address with and without --trust-proxy', () => {
  // Tokens without `sub` are counted by address, like anonymous clients.
  const noSub = { ssehub: RIGHTS };

  async function limitedAfterTwo(hub: Hub, forwarded: readonly string[]): Promise<number[]> {
    const token = `Bearer ${await hsToken({ sub: null, claims: noSub })}`;
    const statuses: number[] = [];
    for (const xff of forwarded) {
      const res = await sendRaw(`${hub.url}/publish`, {
        method: 'POST',
        headers: json({ authorization: token, 'x-forwarded-for': xff }),
        body: JSON.stringify({ topic: 'ip', data: xff }),
      });
      statuses.push(res.status);
    }
    return statuses;
  }

  it('ignores X-Forwarded-For without trust: every request is the socket peer', async () => {
    const hub = await hubWith({ publishRate: 0.01, publishBurst: 1 });
    expect(await limitedAfterTwo(hub, ['10.0.0.1', '10.0.0.2'])).toEqual([200, 429]);
  });

  it('believes the address our proxy appended, not what the client wrote before it', async () => {
    const hub = await hubWith({ publishRate: 0.01, publishBurst: 1, trustProxy: true });
    // Two clients behind the proxy get a bucket each...
    expect(await limitedAfterTwo(hub, ['10.0.0.1', '10.0.0.2'])).toEqual([200, 200]);
    // ...and forging a left-most entry does not make a new identity.
    expect(await limitedAfterTwo(hub, ['1.1.1.1, 10.0.0.3', '2.2.2.2, 10.0.0.3'])).toEqual([200, 429]);
  });

  it('counts streams per forwarded address with trust-proxy (maxStreamsPerClient)', async () => {
    const hub = await hubWith({ publicTopics: ['public/**'], maxStreamsPerClient: 1, trustProxy: 2 });
    const open = (xff: string) =>
      fetch(`${hub.url}/events?topic=public/a`, { headers: { 'x-forwarded-for': xff } }).then(async (res) => {
        const status = res.status;
        await res.body?.cancel();
        return status;
      });
    const controller = new AbortController();
    const first = await fetch(`${hub.url}/events?topic=public/a`, {
      headers: { 'x-forwarded-for': '9.9.9.9, 10.0.0.1, 172.16.0.1' },
      signal: controller.signal,
    });
    try {
      expect(first.status).toBe(200);
      // Two trusted hops: the client is the entry before the last one.
      expect(await open('8.8.8.8, 10.0.0.1, 172.16.0.2')).toBe(429);
      expect(await open('9.9.9.9, 10.0.0.2, 172.16.0.1')).toBe(200);
    } finally {
      controller.abort();
    }
  });
});

describe('open mode (no key) has no publish rate', () => {
  it('accepts more than a burst from one client', async () => {
    const hub = await startHub({ publishRate: 1, publishBurst: 1 });
    hubs.push(hub);
    const stream = await openStream(hub.url, ['free']);
    try {
      for (let i = 0; i < 5; i++) {
        const res = await sendRaw(`${hub.url}/publish`, {
          method: 'POST',
          headers: json(),
          body: JSON.stringify({ topic: 'free', data: String(i) }),
        });
        expect(res.status).toBe(200);
      }
      await stream.waitFor((events) => events.length === 5);
    } finally {
      stream.close();
    }
  });
});
