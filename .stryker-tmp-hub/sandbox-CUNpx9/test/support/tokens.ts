// @ts-nocheck
import { generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Rights } from '../../src/auth/rights.js';

/** The HMAC secret of test hubs (the hub wants 32+ characters). */
export const TEST_SECRET = 'ssehub-test-secret-0123456789-abcdefghij';

/** What a test token says. Times are seconds relative to now; `expiresIn: null` leaves `exp` out. */
export interface TokenSpec {
  /** Default `alice`; null leaves `sub` out (such tokens are counted by client address). */
  sub?: string | null;
  /** The `ssehub` claim; pass `claims.ssehub` instead to send a malformed one. */
  rights?: Partial<Rights>;
  claims?: Record<string, unknown>;
  expiresIn?: number | null;
  notBefore?: number;
  issuer?: string;
  audience?: string;
  kid?: string;
}

/**
 * Signs a token with jose, like any backend or identity provider would. `key` is
 * a secret string for HS*, a private KeyObject for the rest.
 */
export async function signToken(alg: string, key: string | KeyObject, spec: TokenSpec = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    ...(spec.rights && { ssehub: { subscribe: [], publish: [], admin: false, ...spec.rights } }),
    ...spec.claims,
  };
  const jwt = new SignJWT(payload)
    .setProtectedHeader({ alg, typ: 'JWT', ...(spec.kid !== undefined && { kid: spec.kid }) })
    .setIssuedAt(now);
  if (spec.sub !== null) jwt.setSubject(spec.sub ?? 'alice');
  if (spec.expiresIn !== null) jwt.setExpirationTime(now + (spec.expiresIn ?? 3600));
  if (spec.notBefore !== undefined) jwt.setNotBefore(now + spec.notBefore);
  if (spec.issuer !== undefined) jwt.setIssuer(spec.issuer);
  if (spec.audience !== undefined) jwt.setAudience(spec.audience);
  return jwt.sign(typeof key === 'string' ? new TextEncoder().encode(key) : key);
}

/** An HS256 token signed with {@link TEST_SECRET}. */
export function hsToken(spec: TokenSpec = {}): Promise<string> {
  return signToken('HS256', TEST_SECRET, spec);
}

/** A token with an arbitrary header and no signature, crafted by hand (`alg: none` attacks). */
export function unsignedToken(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part(header)}.${part(payload)}.`;
}

/** The same token with its payload replaced (claims raised) and the old signature kept. */
export function tamperedToken(token: string, payload: Record<string, unknown>): string {
  const [header, , signature] = token.split('.');
  return `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
}

export interface TestKeyPair {
  alg: 'RS256' | 'ES256' | 'EdDSA';
  privateKey: KeyObject;
  /** SPKI PEM, as `jwtPublicKey` takes it. */
  publicPem: string;
  /** The public key as a JWKS entry. */
  jwk(kid: string): JsonWebKey;
}

export function testKeyPair(alg: TestKeyPair['alg']): TestKeyPair {
  const { publicKey, privateKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  return {
    alg,
    privateKey,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    jwk: (kid) => ({ ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' }),
  };
}

/** Request headers carrying a token as `Authorization: Bearer`. */
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
