import type { Principal } from '../auth/principal.js';
import { refused } from '../auth/token-verifier.js';

/** The JWT claim Mercure publishers and subscribers carry. */
export const MERCURE_CLAIM = 'mercure';

/**
 * What a principal may do in Mercure terms: topic selectors it may publish to
 * and receive private updates of, and the payload its subscription events carry.
 * `all` (open mode, no key configured): everything.
 */
export interface MercureRights {
  readonly publish: readonly string[] | 'all';
  readonly subscribe: readonly string[] | 'all';
  readonly payload: unknown;
}

const NONE: MercureRights = Object.freeze({ publish: [], subscribe: [], payload: undefined });
const ALL: MercureRights = Object.freeze({ publish: 'all', subscribe: 'all', payload: undefined });

/** Parsed once per principal key: many streams share a token. */
const cache = new Map<string, MercureRights>();
const MAX_CACHED = 10_000;

/** The `mercure` claim of a verified principal; 401 TOKEN_CLAIM_INVALID when malformed. */
export function mercureRights(principal: Principal): MercureRights {
  if (principal.kind === 'open') return ALL;
  const claim = principal.claims?.[MERCURE_CLAIM];
  if (claim === undefined) return NONE;
  const cached = cache.get(principal.key);
  if (cached) return cached;
  if (typeof claim !== 'object' || claim === null || Array.isArray(claim)) {
    throw refused(
      'TOKEN_CLAIM_INVALID',
      `The "${MERCURE_CLAIM}" claim must be an object {publish, subscribe, payload}`,
    );
  }
  const { publish, subscribe, payload } = claim as Record<string, unknown>;
  const rights = Object.freeze({
    publish: selectorList(publish, 'publish'),
    subscribe: selectorList(subscribe, 'subscribe'),
    payload,
  });
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(principal.key, rights);
  return rights;
}

function selectorList(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string')) {
    throw refused('TOKEN_CLAIM_INVALID', `"${MERCURE_CLAIM}.${field}" must be an array of topic selectors`);
  }
  return value as string[];
}
