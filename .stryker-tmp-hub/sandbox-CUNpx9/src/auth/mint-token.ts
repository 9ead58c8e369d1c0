// @ts-nocheck
import { SignJWT } from 'jose';
import { SseHubError } from '../errors.js';
import { assertTopicPattern } from '../protocol/topic.js';
import { RIGHTS_CLAIM } from './authenticator.js';
import type { Rights } from './rights.js';

/** The lifetime of a minted token when none is given. */
export const DEFAULT_TOKEN_TTL_MS = 3_600_000;
/** The hub refuses shorter HMAC secrets (hub-options.ts); minting with one would only make tokens it refuses. */
const MIN_SECRET_LENGTH = 32;

export interface MintTokenOptions {
  /** The hub's `jwtSecret`. */
  secret: string;
  /** Who the token is for: the `sub` claim, also the per-client stream quota key. */
  sub: string;
  /** What the token may do; anything left out is not granted. */
  rights?: Partial<Rights>;
  /** Lifetime in milliseconds (default one hour). */
  ttlMs?: number;
  /** `iss`, when the hub checks it (`jwtIssuer`). */
  issuer?: string | undefined;
  /** `aud`, when the hub checks it (`jwtAudience`). */
  audience?: string | undefined;
  /** Further claims for collection rules (`auth.name`, ...); they cannot replace the ones above. */
  claims?: Record<string, unknown>;
  /** The issue time in ms since the epoch (default now). */
  now?: number;
}

/**
 * An HS256 token the hub accepts: `sub`, `iat`, `exp` and the `ssehub` rights
 * claim. Used by `ssehub token`, by servers embedding the hub (a guest login)
 * and by tests, so the claim layout lives in one place.
 */
export async function mintToken(options: MintTokenOptions): Promise<string> {
  if (options.secret.length < MIN_SECRET_LENGTH) {
    throw new SseHubError('INVALID_CONFIG', `The secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  if (options.sub.length === 0) throw new SseHubError('INVALID_CONFIG', 'The token needs a non-empty sub');
  const ttlMs = options.ttlMs ?? DEFAULT_TOKEN_TTL_MS;
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new SseHubError('INVALID_CONFIG', 'The ttl must be positive');
  const rights = options.rights ?? {};
  const claim = {
    // Checked here so a typo fails now, not as TOKEN_CLAIM_INVALID at the hub.
    subscribe: patterns(rights.subscribe, 'subscribe'),
    publish: patterns(rights.publish, 'publish'),
    admin: rights.admin ?? false,
  };
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const jwt = new SignJWT({ ...options.claims, [RIGHTS_CLAIM]: claim })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.sub)
    .setIssuedAt(iat)
    .setExpirationTime(iat + Math.max(1, Math.round(ttlMs / 1000)));
  if (options.issuer !== undefined) jwt.setIssuer(options.issuer);
  if (options.audience !== undefined) jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret));
}

function patterns(list: readonly string[] | undefined, field: string): string[] {
  return (list ?? []).map((p) => {
    try {
      return assertTopicPattern(p);
    } catch (err) {
      throw new SseHubError('INVALID_CONFIG', `${field}: ${(err as Error).message}`);
    }
  });
}
