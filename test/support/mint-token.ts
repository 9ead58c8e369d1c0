import { SignJWT } from 'jose';

/** A 32+ character HS256 secret for hubs started with `jwtSecret` in tests. */
export const TEST_JWT_SECRET = 'test-secret-for-ssehub-auth-tests-0123456789';

export interface TokenClaims {
  sub: string;
  /** The hub's rights claim: `{subscribe, publish, admin}`. */
  ssehub?: { subscribe?: string[]; publish?: string[]; admin?: boolean };
  [claim: string]: unknown;
}

/** An HS256 token valid for `ttlSeconds` (default one hour), signed with `secret`. */
export async function mintToken(
  claims: TokenClaims,
  options: { secret?: string; ttlSeconds?: number } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (options.ttlSeconds ?? 3600))
    .sign(new TextEncoder().encode(options.secret ?? TEST_JWT_SECRET));
}

/** `{ authorization: 'Bearer <token>' }` for fetch-based helpers. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
