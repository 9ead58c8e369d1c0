import { SignJWT } from 'jose';

/** The HS256 secret of test hubs started with auth. */
export const TEST_SECRET = 'test-secret-with-at-least-32-characters!';

export interface TestTokenClaims {
  sub: string;
  subscribe?: string[];
  publish?: string[];
  admin?: boolean;
  /** Seconds from now until `exp` (default 3600); may be fractional or negative. */
  ttlSeconds?: number;
  /** Extra claims (for collection rules). */
  extra?: Record<string, unknown>;
}

/** An HS256 token signed with {@link TEST_SECRET} carrying the `ssehub` rights claim. */
export async function testToken(claims: TestTokenClaims, secret = TEST_SECRET): Promise<string> {
  const now = Date.now() / 1000;
  return new SignJWT({
    ...claims.extra,
    ssehub: { subscribe: claims.subscribe ?? [], publish: claims.publish ?? [], admin: claims.admin ?? false },
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt(Math.floor(now))
    .setExpirationTime(Math.floor(now + (claims.ttlSeconds ?? 3600)))
    .sign(new TextEncoder().encode(secret));
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
