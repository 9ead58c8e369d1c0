// @ts-nocheck
import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { SseHubError } from '../errors.js';

/** Where token signatures are checked against; at least one must be set for auth to be on. */
export interface TokenKeys {
  /** Shared secret for HS256/384/512. */
  jwtSecret?: string | undefined;
  /** A PEM public key (SPKI) for RS*, PS*, ES* or EdDSA. */
  jwtPublicKey?: string | undefined;
  /** A JWKS endpoint; keys are cached and refetched (at most every 30 s) on an unknown `kid`. */
  jwksUrl?: string | undefined;
  /** Expected `iss`, when set. */
  jwtIssuer?: string | undefined;
  /** Expected `aud`, when set. */
  jwtAudience?: string | undefined;
}

const HMAC = ['HS256', 'HS384', 'HS512'];
const RSA = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
/** Node's names of the EC curves → the one JWS algorithm each may sign with. */
const EC_BY_CURVE: Record<string, string> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };
const ASYMMETRIC = [...RSA, 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
/** Tolerated clock skew between the token issuer and the hub. */
const CLOCK_TOLERANCE_S = 5;

/**
 * Verifies JWTs with jose. Each algorithm family is tied to the kind of key it
 * may be checked with, so an HS token is never checked against a public key
 * used as an HMAC secret (algorithm confusion), and `alg: none` never passes.
 * Every failure is a 401 SseHubError whose code says why; messages never echo the token.
 */
export class TokenVerifier {
  readonly #secret: Uint8Array | undefined;
  readonly #publicKey: { key: KeyObject; algorithms: string[] } | undefined;
  readonly #jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  readonly #algorithms: string[];
  readonly #keys: TokenKeys;

  constructor(keys: TokenKeys) {
    this.#keys = keys;
    this.#secret = keys.jwtSecret === undefined ? undefined : new TextEncoder().encode(keys.jwtSecret);
    this.#publicKey = keys.jwtPublicKey === undefined ? undefined : publicKeyOf(keys.jwtPublicKey);
    this.#jwks =
      keys.jwksUrl === undefined
        ? undefined
        : createRemoteJWKSet(new URL(keys.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
    this.#algorithms = [
      ...(this.#secret ? HMAC : []),
      ...(this.#publicKey?.algorithms ?? []),
      ...(this.#jwks ? ASYMMETRIC : []),
    ];
  }

  static enabled(keys: TokenKeys): boolean {
    return keys.jwtSecret !== undefined || keys.jwtPublicKey !== undefined || keys.jwksUrl !== undefined;
  }

  /** The verified claims; throws a 401 SseHubError naming the reason. */
  async verify(token: string): Promise<JWTPayload> {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw refused('TOKEN_MALFORMED', 'The token is not a well-formed JWT (three base64url parts with a JSON header)');
    }
    if (alg === undefined || alg.toLowerCase() === 'none') {
      throw refused('TOKEN_ALGORITHM_REFUSED', 'Unsigned tokens (alg "none") are refused');
    }
    if (!this.#algorithms.includes(alg)) {
      throw refused(
        'TOKEN_ALGORITHM_REFUSED',
        `The token is signed with ${alg.slice(0, 16)}, which the configured keys do not accept (accepted: ${this.#algorithms.join(', ')})`,
      );
    }
    try {
      const { payload } = await jwtVerify(token, this.#keyFor, {
        algorithms: this.#algorithms,
        issuer: this.#keys.jwtIssuer,
        audience: this.#keys.jwtAudience,
        requiredClaims: ['exp'],
        clockTolerance: CLOCK_TOLERANCE_S,
      });
      return payload;
    } catch (err) {
      throw translate(err);
    }
  }

  /** Picks the key by algorithm family: secrets for HS*, the public key or JWKS for the rest. */
  readonly #keyFor: JWTVerifyGetKey = async (header, token) => {
    const alg = header.alg as string;
    if (HMAC.includes(alg)) return this.#secret as Uint8Array;
    if (this.#publicKey?.algorithms.includes(alg)) return this.#publicKey.key;
    if (this.#jwks) return this.#jwks(header, token);
    throw new errors.JOSEAlgNotAllowed(`"${alg}" is not accepted`);
  };
}

function publicKeyOf(pem: string): { key: KeyObject; algorithms: string[] } {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (err) {
    throw new SseHubError(
      'INVALID_CONFIG',
      `jwtPublicKey is not a PEM public key: ${(err as Error).message}. Give the SPKI PEM ("-----BEGIN PUBLIC KEY-----")`,
    );
  }
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return { key, algorithms: RSA };
    case 'ec': {
      const alg = EC_BY_CURVE[key.asymmetricKeyDetails?.namedCurve ?? ''];
      if (!alg)
        throw new SseHubError('INVALID_CONFIG', 'jwtPublicKey: only P-256, P-384 and P-521 EC keys are supported');
      return { key, algorithms: [alg] };
    }
    case 'ed25519':
      return { key, algorithms: ['EdDSA', 'Ed25519'] };
    default:
      throw new SseHubError(
        'INVALID_CONFIG',
        `jwtPublicKey: keys of type ${key.asymmetricKeyType} are not supported (use RSA, EC P-256/384/521 or Ed25519)`,
      );
  }
}

/** A 401 refusal; the code says why (docs/errors.md). */
export function refused(
  code:
    | 'TOKEN_MISSING'
    | 'TOKEN_MALFORMED'
    | 'TOKEN_ALGORITHM_REFUSED'
    | 'TOKEN_SIGNATURE_INVALID'
    | 'TOKEN_EXPIRED'
    | 'TOKEN_NOT_YET_VALID'
    | 'TOKEN_CLAIM_INVALID'
    | 'TOKEN_KEY_UNKNOWN',
  message: string,
): SseHubError {
  return new SseHubError(code, message);
}

/** jose's errors → our codes. Messages are ours: jose's may quote claim values. */
function translate(err: unknown): SseHubError {
  if (err instanceof SseHubError) return err;
  if (err instanceof errors.JWTExpired) return refused('TOKEN_EXPIRED', 'The token has expired (exp is in the past)');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return refused('TOKEN_NOT_YET_VALID', 'The token is not valid yet (nbf is in the future)');
    if (err.claim === 'iat') return refused('TOKEN_NOT_YET_VALID', 'The token was issued in the future (iat)');
    if (err.reason === 'missing') return refused('TOKEN_CLAIM_INVALID', `The token has no "${err.claim}" claim`);
    return refused('TOKEN_CLAIM_INVALID', `The token's "${err.claim}" claim is not the one this hub expects`);
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) {
    return refused('TOKEN_SIGNATURE_INVALID', 'The token signature does not verify with the configured key');
  }
  if (err instanceof errors.JOSEAlgNotAllowed) {
    return refused('TOKEN_ALGORITHM_REFUSED', 'The token algorithm does not fit the configured keys');
  }
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
    return refused('TOKEN_KEY_UNKNOWN', 'No key of the JWKS matches the token (kid unknown)');
  }
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) {
    return new SseHubError('AUTH_UNAVAILABLE', 'The JWKS endpoint could not be read; retry later', undefined, {
      cause: err,
    });
  }
  if (err instanceof errors.JOSEError) return refused('TOKEN_MALFORMED', 'The token is not a well-formed JWT');
  if (err instanceof TypeError && /fetch/i.test(err.message)) {
    return new SseHubError('AUTH_UNAVAILABLE', 'The JWKS endpoint could not be reached; retry later', undefined, {
      cause: err,
    });
  }
  return new SseHubError('INTERNAL', 'Token verification failed', undefined, { cause: err });
}
