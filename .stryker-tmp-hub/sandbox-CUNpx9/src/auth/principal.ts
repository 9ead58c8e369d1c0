// @ts-nocheck
import { ALL_RIGHTS, type Rights } from './rights.js';

/** The claims of a verified token, as collection rules see them (`auth`). */
export type Claims = Readonly<Record<string, unknown>>;

/**
 * Who is asking, as every part of the hub sees it once the token (or its
 * absence) has been checked at the edge. No part below the HTTP layer looks
 * at a token again.
 */
export interface Principal {
  /**
   * `open`: no key configured, everything allowed (loopback only).
   * `anonymous`: auth configured, no token; rights are the public topics.
   * `token`: a verified token.
   */
  readonly kind: 'open' | 'anonymous' | 'token';
  /** The token's `sub`; undefined for open and anonymous principals. */
  readonly sub: string | undefined;
  /** The verified claims (`auth` in rules); null for open and anonymous. */
  readonly claims: Claims | null;
  readonly rights: Rights;
  /** When the token stops being valid (ms since the epoch); undefined if never. */
  readonly expiresAt: number | undefined;
  /**
   * Equal keys mean equal rights and equal rule results, so per-event work
   * (rights, read rules) is done once per key, not once per stream.
   */
  readonly key: string;
}

export const OPEN_PRINCIPAL: Principal = Object.freeze({
  kind: 'open',
  sub: undefined,
  claims: null,
  rights: ALL_RIGHTS,
  expiresAt: undefined,
  key: 'open',
});

export function anonymousPrincipal(publicTopics: readonly string[]): Principal {
  return Object.freeze({
    kind: 'anonymous',
    sub: undefined,
    claims: null,
    rights: Object.freeze({ subscribe: [...publicTopics], publish: [], admin: false }),
    expiresAt: undefined,
    key: 'anonymous',
  });
}

/** Claims that differ between two tokens of the same identity without changing what rules decide. */
const VOLATILE_CLAIMS = new Set(['exp', 'iat', 'nbf', 'jti']);

export function tokenPrincipal(claims: Claims, rights: Rights): Principal {
  const stable = Object.keys(claims)
    .filter((k) => !VOLATILE_CLAIMS.has(k))
    .sort()
    .map((k) => [k, claims[k]]);
  return Object.freeze({
    kind: 'token',
    sub: typeof claims.sub === 'string' ? claims.sub : undefined,
    claims,
    rights,
    expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : undefined,
    key: `token:${JSON.stringify(stable)}`,
  });
}
