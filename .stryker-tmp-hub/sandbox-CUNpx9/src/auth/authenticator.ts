// @ts-nocheck
import { SseHubError } from '../errors.js';
import { assertTopicPattern } from '../protocol/topic.js';
import { anonymousPrincipal, type Claims, OPEN_PRINCIPAL, type Principal, tokenPrincipal } from './principal.js';
import { NO_RIGHTS, type Rights } from './rights.js';
import { refused, type TokenKeys, TokenVerifier } from './token-verifier.js';

/** The claim holding a token's rights: `{"subscribe": [...], "publish": [...], "admin": bool}`. */
export const RIGHTS_CLAIM = 'ssehub';

export interface AuthSettings extends TokenKeys {
  /** Patterns anonymous clients may subscribe to when auth is on. */
  publicTopics?: readonly string[] | undefined;
  /** Accept `?access_token=` (URLs end up in logs, so off by default). */
  allowQueryToken?: boolean | undefined;
}

/** Where a request carried a token, as the HTTP layer found it. */
export interface Credentials {
  /** `Authorization: Bearer <token>`. */
  bearer?: string | undefined;
  /** The `ssehub_token` cookie. */
  cookie?: string | undefined;
  /** The `access_token` query parameter. */
  query?: string | undefined;
}

/**
 * Turns a request's credentials into a {@link Principal}, once, at the edge.
 * With no key configured the hub is open: everyone is {@link OPEN_PRINCIPAL}.
 */
export class Authenticator {
  readonly enabled: boolean;
  readonly #verifier: TokenVerifier | undefined;
  readonly #anonymous: Principal;
  readonly #allowQueryToken: boolean;

  constructor(settings: AuthSettings) {
    this.enabled = TokenVerifier.enabled(settings);
    this.#verifier = this.enabled ? new TokenVerifier(settings) : undefined;
    const publicTopics = (settings.publicTopics ?? []).map((p) => checkPattern(p, 'publicTopics'));
    this.#anonymous = anonymousPrincipal(publicTopics);
    this.#allowQueryToken = settings.allowQueryToken ?? false;
  }

  async authenticate(credentials: Credentials): Promise<Principal> {
    if (!this.#verifier) return OPEN_PRINCIPAL;
    if (credentials.query !== undefined && !this.#allowQueryToken) {
      throw new SseHubError(
        'QUERY_TOKEN_REFUSED',
        'Tokens in the URL are refused (URLs end up in logs): send Authorization: Bearer or the ssehub_token cookie, or start the hub with --allow-query-token',
      );
    }
    const token = credentials.bearer ?? credentials.cookie ?? credentials.query;
    if (token === undefined) return this.#anonymous;
    return this.verify(token);
  }

  /** The principal of a token; throws a 401 SseHubError when it does not verify. */
  async verify(token: string): Promise<Principal> {
    if (!this.#verifier) return OPEN_PRINCIPAL;
    const claims = (await this.#verifier.verify(token)) as Claims;
    return tokenPrincipal(claims, rightsOf(claims[RIGHTS_CLAIM]));
  }
}

function rightsOf(claim: unknown): Rights {
  if (claim === undefined) return NO_RIGHTS;
  if (typeof claim !== 'object' || claim === null || Array.isArray(claim)) {
    throw refused('TOKEN_CLAIM_INVALID', `The "${RIGHTS_CLAIM}" claim must be an object {subscribe, publish, admin}`);
  }
  const { subscribe = [], publish = [], admin = false } = claim as Record<string, unknown>;
  if (typeof admin !== 'boolean') throw refused('TOKEN_CLAIM_INVALID', `"${RIGHTS_CLAIM}.admin" must be true or false`);
  return Object.freeze({
    subscribe: patternList(subscribe, 'subscribe'),
    publish: patternList(publish, 'publish'),
    admin,
  });
}

function patternList(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) {
    throw refused('TOKEN_CLAIM_INVALID', `"${RIGHTS_CLAIM}.${field}" must be an array of topic patterns`);
  }
  return value.map((p) => {
    try {
      return assertTopicPattern(p);
    } catch (err) {
      throw refused('TOKEN_CLAIM_INVALID', `"${RIGHTS_CLAIM}.${field}": ${(err as Error).message}`);
    }
  });
}

function checkPattern(pattern: string, option: string): string {
  try {
    return assertTopicPattern(pattern);
  } catch (err) {
    throw new SseHubError('INVALID_CONFIG', `${option}: ${(err as Error).message}`);
  }
}
