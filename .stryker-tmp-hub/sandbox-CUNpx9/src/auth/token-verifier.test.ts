// @ts-nocheck
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { SseHubError } from '../errors.js';
import { Authenticator } from './authenticator.js';
import { mintToken } from './mint-token.js';
import { TokenVerifier } from './token-verifier.js';

const SECRET = 'unit-test-secret-0123456789-abcdefghijkl';

async function sign(alg: string, key: string | KeyObject, claims: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iat: now, exp: now + 600, ...claims })
    .setProtectedHeader({ alg })
    .sign(typeof key === 'string' ? new TextEncoder().encode(key) : key);
}

async function refusal(verifier: TokenVerifier, token: string): Promise<SseHubError> {
  const err = await verifier.verify(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SseHubError);
  const error = err as SseHubError;
  expect(error.message).not.toContain(token);
  return error;
}

const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }) as string;

describe('TokenVerifier', () => {
  it('is enabled by any one key option', () => {
    expect(TokenVerifier.enabled({})).toBe(false);
    expect(TokenVerifier.enabled({ jwtIssuer: 'x', jwtAudience: 'y' })).toBe(false);
    expect(TokenVerifier.enabled({ jwtSecret: SECRET })).toBe(true);
    expect(TokenVerifier.enabled({ jwksUrl: 'https://idp.test/jwks' })).toBe(true);
  });

  it('tolerates 5 s of clock skew on exp and nbf, no more', async () => {
    const verifier = new TokenVerifier({ jwtSecret: SECRET });
    const now = Math.floor(Date.now() / 1000);
    expect((await verifier.verify(await sign('HS256', SECRET, { exp: now - 2 }))).exp).toBe(now - 2);
    expect((await refusal(verifier, await sign('HS256', SECRET, { exp: now - 30 }))).code).toBe('TOKEN_EXPIRED');
    await verifier.verify(await sign('HS256', SECRET, { nbf: now + 2 }));
    expect((await refusal(verifier, await sign('HS256', SECRET, { nbf: now + 30 }))).code).toBe('TOKEN_NOT_YET_VALID');
  });

  it('accepts HS384 and HS512 with the secret', async () => {
    const verifier = new TokenVerifier({ jwtSecret: SECRET });
    for (const alg of ['HS384', 'HS512']) {
      expect((await verifier.verify(await sign(alg, SECRET, { sub: alg }))).sub).toBe(alg);
    }
  });

  it('ties an EC key to the algorithm of its curve', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const verifier = new TokenVerifier({ jwtPublicKey: pem(publicKey) });
    await verifier.verify(await sign('ES384', privateKey));
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect((await refusal(verifier, await sign('ES256', p256.privateKey))).code).toBe('TOKEN_ALGORITHM_REFUSED');
  });

  it('refuses an HS token keyed with the configured public key (algorithm confusion)', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const verifier = new TokenVerifier({ jwtPublicKey: pem(publicKey) });
    const error = await refusal(verifier, await sign('HS256', pem(publicKey)));
    expect([error.code, error.status]).toEqual(['TOKEN_ALGORITHM_REFUSED', 401]);
  });

  it('does not echo an attacker-chosen algorithm name at length', async () => {
    const verifier = new TokenVerifier({ jwtSecret: SECRET });
    const alg = `X${'A'.repeat(500)}`;
    const header = Buffer.from(JSON.stringify({ alg })).toString('base64url');
    const error = await refusal(verifier, `${header}.e30.c2ln`);
    expect(error.code).toBe('TOKEN_ALGORITHM_REFUSED');
    expect(error.message.length).toBeLessThan(200);
  });

  it.each([
    ['not PEM at all', 'hello'],
    ['an X25519 key (not a signing key)', pem(generateKeyPairSync('x25519').publicKey)],
    ['a secp256k1 key', pem(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey)],
  ])('refuses a public key that is %s with INVALID_CONFIG naming jwtPublicKey', (_, key) => {
    expect(() => new TokenVerifier({ jwtPublicKey: key })).toThrow(/jwtPublicKey/);
    try {
      new TokenVerifier({ jwtPublicKey: key });
    } catch (err) {
      expect((err as SseHubError).code).toBe('INVALID_CONFIG');
    }
  });
});

describe('Authenticator', () => {
  const authenticator = new Authenticator({ jwtSecret: SECRET, publicTopics: ['news/*'] });

  it('turns a minted token into a principal with its rights, sub and expiry', async () => {
    const token = await mintToken({
      secret: SECRET,
      sub: 'alice',
      rights: { subscribe: ['chat/*'], publish: ['chat/a'] },
      ttlMs: 60_000,
      claims: { name: 'Alice', sub: 'mallory' },
    });
    const principal = await authenticator.verify(token);
    expect(principal.kind).toBe('token');
    // Extra claims cannot replace sub.
    expect(principal.sub).toBe('alice');
    expect(principal.claims?.name).toBe('Alice');
    expect(principal.rights).toEqual({ subscribe: ['chat/*'], publish: ['chat/a'], admin: false });
    expect((principal.expiresAt as number) - Date.now()).toBeGreaterThan(50_000);
  });

  it('gives the same key to two tokens of one identity, another to a different one', async () => {
    const a = await authenticator.verify(await mintToken({ secret: SECRET, sub: 'alice', ttlMs: 60_000 }));
    const b = await authenticator.verify(await mintToken({ secret: SECRET, sub: 'alice', ttlMs: 120_000 }));
    const c = await authenticator.verify(await mintToken({ secret: SECRET, sub: 'bob', ttlMs: 60_000 }));
    expect(a.key).toBe(b.key);
    expect(a.key).not.toBe(c.key);
  });

  it('prefers the Authorization header to the cookie, and makes no-token anonymous with the public topics', async () => {
    const token = await mintToken({ secret: SECRET, sub: 'alice' });
    expect((await authenticator.authenticate({ bearer: token, cookie: 'garbage' })).sub).toBe('alice');
    const anonymous = await authenticator.authenticate({});
    expect([anonymous.kind, anonymous.rights.subscribe, anonymous.rights.publish]).toEqual([
      'anonymous',
      ['news/*'],
      [],
    ]);
  });

  it('refuses a query token even next to a good header unless allowed', async () => {
    const token = await mintToken({ secret: SECRET, sub: 'alice' });
    await expect(authenticator.authenticate({ bearer: token, query: token })).rejects.toMatchObject({
      code: 'QUERY_TOKEN_REFUSED',
    });
    const allowing = new Authenticator({ jwtSecret: SECRET, allowQueryToken: true });
    expect((await allowing.authenticate({ query: token })).sub).toBe('alice');
  });

  it('is open without keys, and refuses bad public topic patterns at construction', async () => {
    expect((await new Authenticator({}).authenticate({ bearer: 'anything' })).kind).toBe('open');
    expect(() => new Authenticator({ jwtSecret: SECRET, publicTopics: ['news/**/x'] })).toThrow(/publicTopics/);
  });
});

describe('mintToken', () => {
  it('refuses what the hub would refuse: a short secret, an empty sub, a bad pattern', async () => {
    await expect(mintToken({ secret: 'short', sub: 'a' })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    await expect(mintToken({ secret: SECRET, sub: '' })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    await expect(mintToken({ secret: SECRET, sub: 'a', rights: { subscribe: ['chat//x'] } })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringMatching(/^subscribe:/),
    });
  });

  it('sets iss and aud so a hub checking them accepts the token', async () => {
    const strict = new Authenticator({ jwtSecret: SECRET, jwtIssuer: 'me', jwtAudience: 'hub' });
    const token = await mintToken({ secret: SECRET, sub: 'alice', issuer: 'me', audience: 'hub' });
    expect((await strict.verify(token)).claims).toMatchObject({ iss: 'me', aud: 'hub', sub: 'alice' });
    await expect(strict.verify(await mintToken({ secret: SECRET, sub: 'alice' }))).rejects.toMatchObject({
      code: 'TOKEN_CLAIM_INVALID',
    });
  });
});
