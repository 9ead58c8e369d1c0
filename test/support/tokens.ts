import { SignJWT } from 'jose';

/** A 32+ character HS256 secret for test hubs (`jwtSecret`). */
export const TEST_SECRET = 'test-secret-that-is-at-least-32-characters-long';

/** An HS256 token signed with `secret`, valid for an hour unless `claims.exp` says otherwise. */
export function signToken(claims: Record<string, unknown>, secret = TEST_SECRET): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(typeof claims.exp === 'number' ? claims.exp : '1h')
    .sign(new TextEncoder().encode(secret));
}
