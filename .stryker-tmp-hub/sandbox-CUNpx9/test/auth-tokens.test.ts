// @ts-nocheck
import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHub } from './support/hub-server.js';
import { startJwksServer } from './support/jwks-server.js';
import { openStream, publish, type RecordedStream } from './support/sse-stream.js';
import {
  bearer,
  hsToken,
  signToken,
  TEST_SECRET,
  type TestKeyPair,
  tamperedToken,
  testKeyPair,
  unsignedToken,
} from './support/tokens.js';

type Hub = Awaited<ReturnType<typeof startHub>>;

const ISSUER = 'https://issuer.test';
const AUDIENCE = 'ssehub-test';
/** Everything a token can grant: a refusal below is the token's defect, never missing rights. */
const ALL = { subscribe: ['**'], publish: ['**'], admin: true };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function hubFor(options: Parameters<typeof startHub>[0]): Promise<Hub> {
  const hub = await startHub({ ephemeral: true, ...options });
  cleanups.push(() => hub.stop());
  return hub;
}

async function head(hub: Hub): Promise<number> {
  return (await hub.hub.log.position()).head;
}

/** Data of the stream's events, without the session frame of token streams. */
function dataOf(stream: RecordedStream): string[] {
  return stream.events.filter((e) => e.type === 'message').map((e) => e.data);
}

/**
 * Performs the attack twice, as a publish and as a subscribe, and checks the
 * refusal: status, code, a message that does not echo the token, no event
 * written, no stream opened.
 */
async function expectRefused(
  hub: Hub,
  headers: Record<string, string>,
  expected: { status: number; code: string },
  secret?: string,
): Promise<void> {
  const before = await head(hub);
  const pub = await publish(hub.url, { topic: 'chat/a', data: 'attack' }, { headers });
  expect({ status: pub.status, code: pub.body.error?.code }).toEqual(expected);
  expect(pub.headers['content-type']).toMatch(/application\/json/);
  if (secret) expectNoLeak(pub.text, secret);
  expect(await head(hub)).toBe(before);

  const stream = await openStream(hub.url, ['chat/*'], { headers });
  cleanups.push(() => stream.close());
  expect(stream.status).toBe(expected.status);
  expect(JSON.parse(stream.errorBody).error.code).toBe(expected.code);
  if (secret) expectNoLeak(stream.errorBody, secret);
  expect(stream.events).toEqual([]);
}

/** Neither the token nor its signature or payload part appear in what the hub answered. */
function expectNoLeak(text: string, token: string): void {
  expect(text).not.toContain(token);
  for (const part of token.split('.')) if (part.length > 8) expect(text).not.toContain(part);
}

describe('a hub with an HMAC secret, issuer and audience refuses defective tokens', () => {
  let hub: Hub;
  let watcher: RecordedStream;
  let markers = 0;

  beforeAll(async () => {
    hub = await startHub({ ephemeral: true, jwtSecret: TEST_SECRET, jwtIssuer: ISSUER, jwtAudience: AUDIENCE });
    const admin = await hsToken({ sub: 'watcher', rights: ALL, issuer: ISSUER, audience: AUDIENCE });
    watcher = await openStream(hub.url, ['**'], { headers: bearer(admin) });
    expect(watcher.status).toBe(200);
  });
  afterAll(async () => {
    watcher.close();
    await hub.stop();
  });

  /** After each attack: an accepted stream sees the next legitimate event and nothing of the attack. */
  afterEach(async () => {
    const marker = `end-${++markers}`;
    const token = await hsToken({ sub: 'marker', rights: ALL, issuer: ISSUER, audience: AUDIENCE });
    const res = await publish(hub.url, { topic: 'chat/a', data: marker }, { headers: bearer(token) });
    expect(res.status).toBe(200);
    await watcher.waitFor((events) => events.some((e) => e.data === marker));
    expect(dataOf(watcher)).not.toContain('attack');
    expect(dataOf(watcher).filter((d) => d.startsWith('end-'))).toEqual(
      Array.from({ length: markers }, (_, i) => `end-${i + 1}`),
    );
  });

  const valid = { rights: ALL, issuer: ISSUER, audience: AUDIENCE };

  it('no token: publish is 401 TOKEN_MISSING, and so is an anonymous stream on a non-public topic', async () => {
    await expectRefused(hub, {}, { status: 401, code: 'TOKEN_MISSING' });
  });

  it.each([
    ['not a JWT at all', 'not-a-jwt'],
    ['three parts of garbage', 'a.b.c'],
    ['a header that is not JSON', `${Buffer.from('{alg').toString('base64url')}.e30.sig`],
  ])('malformed (%s): 401 TOKEN_MALFORMED', async (_, token) => {
    await expectRefused(hub, bearer(token), { status: 401, code: 'TOKEN_MALFORMED' }, token);
  });

  it('an Authorization header that is not Bearer: 401 TOKEN_MALFORMED', async () => {
    await expectRefused(hub, { authorization: 'Basic YWxpY2U6c2VjcmV0' }, { status: 401, code: 'TOKEN_MALFORMED' });
  });

  it('signed with another secret: 401 TOKEN_SIGNATURE_INVALID', async () => {
    const token = await signToken('HS256', `${TEST_SECRET}-but-not-quite`, valid);
    await expectRefused(hub, bearer(token), { status: 401, code: 'TOKEN_SIGNATURE_INVALID' }, token);
  });

  it('a genuine token whose claims were raised after signing: 401 TOKEN_SIGNATURE_INVALID', async () => {
    const genuine = await hsToken({
      sub: 'mallory',
      rights: { subscribe: ['chat/*'] },
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    const payload = JSON.parse(Buffer.from(genuine.split('.')[1] as string, 'base64url').toString());
    const token = tamperedToken(genuine, { ...payload, ssehub: ALL });
    await expectRefused(hub, bearer(token), { status: 401, code: 'TOKEN_SIGNATURE_INVALID' }, token);
  });

  it.each(['none', 'None', 'NONE'])('alg "%s", crafted by hand: 401 TOKEN_ALGORITHM_REFUSED', async (alg) => {
    const now = Math.floor(Date.now() / 1000);
    const token = unsignedToken(
      { alg, typ: 'JWT' },
      { sub: 'mallory', iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 3600, ssehub: ALL },
    );
    await expectRefused(hub, bearer(token), { status: 401, code: 'TOKEN_ALGORITHM_REFUSED' }, token);
  });

  it('alg "none" carrying the signature of a genuine token: 401 TOKEN_ALGORITHM_REFUSED', async () => {
    const genuine = await hsToken(valid);
    const [, payload, signature] = genuine.split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const token = `${header}.${payload}.${signature}`;
    await expectRefused(hub, bearer(token), { status: 401, code: 'TOKEN_ALGORITHM_REFUSED' }, token);
  });

  it('an RS256 token sent to a hub that only has a secret: 401 TOKEN_ALGORITHM_REFUSED', async () => {
    const token = await signToken('RS256', testKeyPair('RS256').privateKey, valid);
    await expectRefused(hub, bearer(token), { status: 401, code: 'TOKEN_ALGORITHM_REFUSED' }, token);
  });

  it('expired: 401 TOKEN_EXPIRED', async () => {
    const token = await hsToken({ ...valid, expiresIn: -60 });
    await expectRefused(hub, bearer(token), { status: 401, code: 'TOKEN_EXPIRED' }, token);
  });

  it('not yet valid (nbf in the future): 401 TOKEN_NOT_YET_VALID', async () => {
    const token = await hsToken({ ...valid, notBefore: 600 });
    await expectRefused(hub, bearer(token), { status: 401, code: 'TOKEN_NOT_YET_VALID' }, token);
  });

  it.each([
    ['wrong issuer', { ...valid, issuer: 'https://evil.test' }],
    ['no issuer', { rights: ALL, audience: AUDIENCE }],
    ['wrong audience', { ...valid, audience: 'another-service' }],
    ['no audience', { rights: ALL, issuer: ISSUER }],
    ['no exp', { ...valid, expiresIn: null }],
  ])('%s: 401 TOKEN_CLAIM_INVALID', async (_, spec) => {
    const token = await hsToken(spec);
    await expectRefused(hub, bearer(token), { status: 401, code: 'TOKEN_CLAIM_INVALID' }, token);
  });

  it.each([
    ['a string', 'all'],
    ['an array', ['**']],
    ['subscribe not an array', { subscribe: '**' }],
    ['publish with a bad pattern', { publish: ['chat//a'] }],
    ['** before the end', { subscribe: ['**/secret'] }],
    ['admin not a boolean', { admin: 'yes' }],
  ])('the ssehub claim is %s: 401 TOKEN_CLAIM_INVALID', async (_, claim) => {
    const token = await hsToken({ issuer: ISSUER, audience: AUDIENCE, claims: { ssehub: claim } });
    await expectRefused(hub, bearer(token), { status: 401, code: 'TOKEN_CLAIM_INVALID' }, token);
  });

  it('a valid token without the right: 403 FORBIDDEN, for publish and for subscribe', async () => {
    const token = await hsToken({
      sub: 'bob',
      issuer: ISSUER,
      audience: AUDIENCE,
      rights: { subscribe: ['news/*'], publish: ['news/*'] },
    });
    await expectRefused(hub, bearer(token), { status: 403, code: 'FORBIDDEN' }, token);
  });

  it('a token in the URL is refused (401 QUERY_TOKEN_REFUSED) without allowQueryToken', async () => {
    const token = await hsToken(valid);
    const before = await head(hub);
    const res = await fetch(`${hub.url}/publish?access_token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topic: 'chat/a', data: 'attack' }),
    });
    const text = await res.text();
    expect([res.status, JSON.parse(text).error.code]).toEqual([401, 'QUERY_TOKEN_REFUSED']);
    expectNoLeak(text, token);
    expect(await head(hub)).toBe(before);
    const stream = await openStream(hub.url, ['chat/*'], { query: { access_token: token } });
    expect([stream.status, JSON.parse(stream.errorBody).error.code]).toEqual([401, 'QUERY_TOKEN_REFUSED']);
    expect(stream.events).toEqual([]);
  });

  it('the ssehub_token cookie authenticates GET /events', async () => {
    const token = await hsToken({
      sub: 'carol',
      rights: { subscribe: ['chat/*'] },
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    const stream = await openStream(hub.url, ['chat/*'], { headers: { cookie: `theme=dark; ssehub_token=${token}` } });
    cleanups.push(() => stream.close());
    expect(stream.status).toBe(200);
    // A token stream opens with its session frame (for token refresh).
    await stream.waitFor((events) => events[0]?.type === 'session');
    const publisher = await hsToken(valid);
    expect(
      (await publish(hub.url, { topic: 'chat/c', data: 'for cookies' }, { headers: bearer(publisher) })).status,
    ).toBe(200);
    await stream.waitFor((events) => events.some((e) => e.data === 'for cookies'));
    // And the same cookie with a token the hub refuses is a 401, not an anonymous stream.
    const bad = await openStream(hub.url, ['chat/*'], { headers: { cookie: `ssehub_token=${token}x` } });
    expect([bad.status, JSON.parse(bad.errorBody).error.code]).toEqual([401, 'TOKEN_SIGNATURE_INVALID']);
  });
});

describe('cross-site requests carrying the cookie (CSRF)', () => {
  it('a body without a JSON Content-Type is refused before the token is used: 415, nothing written', async () => {
    const hub = await hubFor({ jwtSecret: TEST_SECRET });
    const token = await hsToken({ rights: { subscribe: ['**'], publish: ['**'] } });
    const watcher = await openStream(hub.url, ['chat/*'], { headers: bearer(token) });
    cleanups.push(() => watcher.close());
    // What a page on another site can send with no CORS preflight: a Blob body (no Content-Type),
    // text/plain, a form; the browser attaches the cookie.
    for (const contentType of [undefined, 'text/plain', 'application/x-www-form-urlencoded']) {
      const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const body = JSON.stringify({ topic: 'chat/a', data: 'attack' });
        const req = request(
          `${hub.url}/publish`,
          {
            method: 'POST',
            agent: false,
            headers: {
              cookie: `ssehub_token=${token}`,
              origin: 'https://evil.example',
              'content-length': Buffer.byteLength(body),
              ...(contentType && { 'content-type': contentType }),
            },
          },
          (res) => {
            let text = '';
            res.on('data', (d) => {
              text += d;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      expect([contentType, answer.status, JSON.parse(answer.text).error.code]).toEqual([
        contentType,
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ]);
    }
    expect(await head(hub)).toBe(0);
    // The same cookie with a JSON body from the hub's own origin (a page it serves) works.
    const ok = await publish(
      hub.url,
      { topic: 'chat/a', data: 'legit' },
      { headers: { cookie: `ssehub_token=${token}`, origin: new URL(hub.url).origin } },
    );
    expect(ok.status).toBe(200);
    await watcher.waitFor((events) => events.some((e) => e.data === 'legit'));
    expect(dataOf(watcher)).toEqual(['legit']);
  });
});

describe('query tokens with allowQueryToken', () => {
  it('accepts ?access_token= on /events when the hub allows it', async () => {
    const hub = await hubFor({ jwtSecret: TEST_SECRET, allowQueryToken: true });
    const token = await hsToken({ rights: { subscribe: ['chat/*'], publish: ['chat/*'] } });
    const stream = await openStream(hub.url, ['chat/*'], { query: { access_token: token } });
    cleanups.push(() => stream.close());
    expect(stream.status).toBe(200);
    expect((await publish(hub.url, { topic: 'chat/a', data: 'hi' }, { headers: bearer(token) })).status).toBe(200);
    await stream.waitFor((events) => events.some((e) => e.data === 'hi'));
    // Still checked like any other token.
    const forged = await openStream(hub.url, ['chat/*'], { query: { access_token: `${token}x` } });
    expect([forged.status, JSON.parse(forged.errorBody).error.code]).toEqual([401, 'TOKEN_SIGNATURE_INVALID']);
  });
});

describe('public keys: RS256, ES256 and EdDSA', () => {
  const pairs: TestKeyPair[] = [testKeyPair('RS256'), testKeyPair('ES256'), testKeyPair('EdDSA')];

  it.each(pairs.map((p) => [p.alg, p] as const))('%s tokens are accepted with jwtPublicKey', async (_, pair) => {
    const hub = await hubFor({ jwtPublicKey: pair.publicPem });
    const token = await signToken(pair.alg, pair.privateKey, {
      rights: { subscribe: ['chat/*'], publish: ['chat/*'] },
    });
    const stream = await openStream(hub.url, ['chat/*'], { headers: bearer(token) });
    cleanups.push(() => stream.close());
    expect(stream.status).toBe(200);
    const res = await publish(
      hub.url,
      { topic: 'chat/a', data: `signed with ${pair.alg}` },
      { headers: bearer(token) },
    );
    expect(res.status).toBe(200);
    await stream.waitFor((events) => events.some((e) => e.data === `signed with ${pair.alg}`));
    // The same claims signed by someone else's key of the same kind are refused.
    const other = testKeyPair(pair.alg);
    const forged = await signToken(pair.alg, other.privateKey, { rights: ALL });
    await expectRefused(hub, bearer(forged), { status: 401, code: 'TOKEN_SIGNATURE_INVALID' }, forged);
  });

  it.each(pairs.map((p) => [p.alg, p] as const))(
    'algorithm confusion against a %s key: an HS256 token keyed with the public PEM is refused',
    async (_, pair) => {
      const hub = await hubFor({ jwtPublicKey: pair.publicPem });
      const token = await signToken('HS256', pair.publicPem, { rights: ALL });
      await expectRefused(hub, bearer(token), { status: 401, code: 'TOKEN_ALGORITHM_REFUSED' }, token);
      // With a secret configured too, HS256 is checked against the secret only, never the PEM.
      const both = await hubFor({ jwtPublicKey: pair.publicPem, jwtSecret: TEST_SECRET });
      await expectRefused(both, bearer(token), { status: 401, code: 'TOKEN_SIGNATURE_INVALID' }, token);
    },
  );

  it('an ES256 token sent to a hub holding an RSA key: 401 TOKEN_ALGORITHM_REFUSED', async () => {
    const [rsa, ec] = pairs as [TestKeyPair, TestKeyPair];
    const hub = await hubFor({ jwtPublicKey: rsa.publicPem });
    const token = await signToken('ES256', ec.privateKey, { rights: ALL });
    await expectRefused(hub, bearer(token), { status: 401, code: 'TOKEN_ALGORITHM_REFUSED' }, token);
  });
});

describe('JWKS from an identity provider', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('verifies by kid, refetches for a rotated-in key once the cooldown has passed, and a flood of unknown kids does not hit the JWKS server', async () => {
    // Only Date is faked: jose's cooldown reads the clock, so the test moves it instead of waiting 30 s.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date());
    const current = testKeyPair('RS256');
    const next = testKeyPair('ES256');
    const jwks = await startJwksServer([current.jwk('k1')]);
    cleanups.push(() => jwks.close());
    const hub = await hubFor({ jwksUrl: jwks.url });
    const rights = { subscribe: ['chat/*'], publish: ['chat/*'] };
    const watcher = await openStream(hub.url, ['chat/*'], {
      headers: bearer(await signToken('RS256', current.privateKey, { kid: 'k1', rights })),
    });
    cleanups.push(() => watcher.close());
    expect(watcher.status).toBe(200);
    expect(jwks.requests).toBe(1);

    const flood = async (count: number) => {
      const before = await head(hub);
      const attacker = testKeyPair('RS256');
      const answers = await Promise.all(
        Array.from({ length: count }, async (_, i) => {
          const token = await signToken('RS256', attacker.privateKey, { kid: `unknown-${i}`, rights: ALL });
          const res = await publish(hub.url, { topic: 'chat/a', data: 'attack' }, { headers: bearer(token) });
          return `${res.status} ${res.body.error?.code}`;
        }),
      );
      expect(new Set(answers)).toEqual(new Set(['401 TOKEN_KEY_UNKNOWN']));
      expect(await head(hub)).toBe(before);
    };

    // The provider rotates a new key in; within the cooldown the hub does not refetch.
    jwks.setKeys([current.jwk('k1'), next.jwk('k2')]);
    const rotated = await signToken('ES256', next.privateKey, { kid: 'k2', rights });
    const early = await publish(hub.url, { topic: 'chat/a', data: 'early' }, { headers: bearer(rotated) });
    expect([early.status, early.body.error?.code]).toEqual([401, 'TOKEN_KEY_UNKNOWN']);
    await flood(50);
    expect(jwks.requests).toBe(1);

    // Past the 30 s cooldown, the unknown kid triggers one refetch and the new key verifies.
    vi.setSystemTime(Date.now() + 31_000);
    const late = await publish(hub.url, { topic: 'chat/a', data: 'rotated' }, { headers: bearer(rotated) });
    expect(late.status).toBe(200);
    expect(jwks.requests).toBe(2);
    await flood(50);
    expect(jwks.requests).toBe(2);

    await publish(hub.url, { topic: 'chat/a', data: 'end' }, { headers: bearer(rotated) });
    await watcher.waitFor((events) => events.some((e) => e.data === 'end'));
    expect(dataOf(watcher)).toEqual(['rotated', 'end']);
  });

  it('an unreachable JWKS endpoint is 503 AUTH_UNAVAILABLE with Retry-After, and nothing is written', async () => {
    const jwks = await startJwksServer([]);
    await jwks.close();
    const hub = await hubFor({ jwksUrl: jwks.url });
    const token = await signToken('RS256', testKeyPair('RS256').privateKey, { kid: 'k1', rights: ALL });
    const res = await publish(hub.url, { topic: 'chat/a', data: 'x' }, { headers: bearer(token) });
    expect([res.status, res.body.error?.code, res.headers['retry-after']]).toEqual([503, 'AUTH_UNAVAILABLE', '1']);
    expectNoLeak(res.text, token);
    expect(await head(hub)).toBe(0);
  });
});
