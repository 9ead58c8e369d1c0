import { randomBytes } from 'node:crypto';
import { mintToken } from '../auth/mint-token.js';
import type { Principal } from '../auth/principal.js';
import { SseHubError } from '../errors.js';
import { clearTokenCookie, setTokenCookie } from './cookies.js';
import type { HttpRoute } from './handler.js';
import { methodNotAllowed, readJsonBody, sendJson } from './respond.js';

const PATH = '/auth/guest';
const MAX_NAME = 40;
/** Marks guest tokens, so a sign-in again keeps the identity and other tokens are not mistaken for guests. */
const GUEST_CLAIM = 'guest';

export interface GuestAuthOptions {
  /** The HS256 secret the hub verifies tokens with. */
  secret: string;
  /** Lifetime of a guest token. */
  ttlMs: number;
  /** Topic patterns a guest may subscribe to. */
  subscribe: readonly string[];
  issuer?: string | undefined;
  audience?: string | undefined;
}

/** What the board learns about its guest: the token itself stays in the HttpOnly cookie. */
interface GuestInfo {
  sub: string;
  name: string;
  issuedAt: number;
  expiresAt: number;
}

/**
 * Guest sign-in by name (`--guest-auth`): `POST /auth/guest {"name": "Ada"}`
 * issues a short-lived token in the `ssehub_token` cookie, `GET` tells who is
 * signed in, `DELETE` signs out. Signing in again with a valid guest token keeps
 * its identity (`sub`), which is how the board renews. What a guest may do is
 * decided by topic rights and collection rules, never by this route.
 */
export function guestRoute(options: GuestAuthOptions): HttpRoute {
  return async (req, res, context) => {
    if (context.url.pathname !== PATH) return false;
    const principal = await context.principal().catch(() => undefined); // an expired cookie is a new guest
    switch (req.method) {
      case 'GET': {
        const guest = principal && guestOf(principal);
        if (!guest) throw new SseHubError('TOKEN_MISSING', 'Not signed in as a guest: POST /auth/guest {"name": ...}');
        sendJson(res, 200, guest);
        return true;
      }
      case 'POST': {
        await context.countPublish(); // sign-ins are rate-limited like writes
        const name = nameOf(await readJsonBody(req, 1024));
        const sub = (principal && guestOf(principal)?.sub) ?? `guest-${randomBytes(12).toString('base64url')}`;
        const issuedAt = Date.now();
        const token = await mintToken({
          secret: options.secret,
          sub,
          rights: { subscribe: [...options.subscribe] },
          ttlMs: options.ttlMs,
          issuer: options.issuer,
          audience: options.audience,
          claims: { name, [GUEST_CLAIM]: true },
          now: issuedAt,
        });
        const expiresAt = (Math.floor(issuedAt / 1000) + Math.round(options.ttlMs / 1000)) * 1000;
        setTokenCookie(res, token, { secure: context.secure, maxAge: Math.round(options.ttlMs / 1000) });
        sendJson(res, 200, { sub, name, issuedAt: Math.floor(issuedAt / 1000) * 1000, expiresAt } satisfies GuestInfo);
        return true;
      }
      case 'DELETE':
        clearTokenCookie(res, { secure: context.secure });
        sendJson(res, 200, { signedOut: true });
        return true;
      default:
        throw methodNotAllowed('GET, POST, DELETE');
    }
  };
}

function guestOf(principal: Principal): GuestInfo | undefined {
  const { claims, sub } = principal;
  if (claims?.[GUEST_CLAIM] !== true || sub === undefined) return undefined;
  return {
    sub,
    name: String(claims.name ?? ''),
    issuedAt: Number(claims.iat) * 1000,
    expiresAt: principal.expiresAt ?? 0,
  };
}

function nameOf(body: unknown): string {
  const name = (body as { name?: unknown } | null)?.name;
  const trimmed = typeof name === 'string' ? name.trim() : '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
  if (trimmed === '' || trimmed.length > MAX_NAME || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new SseHubError('INVALID_BODY', `Send {"name": "..."} with a name of 1 to ${MAX_NAME} characters`);
  }
  return trimmed;
}
