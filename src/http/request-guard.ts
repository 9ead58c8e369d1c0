import type { IncomingMessage } from 'node:http';
import { SseHubError } from '../errors.js';
import { cookieValue, TOKEN_COOKIE } from './credentials.js';
import { requestHost } from './host-check.js';

/** Methods that carry a body and change state: their body must be JSON. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** Methods that change state: with a cookie, their origin must be trusted. */
const STATE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** JSON, or NDJSON (streaming publish): neither is a type a page may send cross-origin unasked. */
const JSON_TYPE = /^application\/(([\w.+-]+\+)?json|x-ndjson)\s*(;|$)/i;

/**
 * Browser-safety checks every request passes before any route (docs/security.md#browsers).
 *
 * A JSON body: the media types a page may send cross-origin without a CORS
 * preflight are form and text types, so insisting on JSON makes every
 * cross-origin write ask the hub first (and be refused unless listed).
 *
 * A trusted origin for cookie-authenticated state changes: a browser attaches
 * the `ssehub_token` cookie by itself, also to requests another page triggers
 * (same-site pages on other ports even with SameSite=Lax), so such a request
 * must come from the hub's own origin or one listed in `corsOrigins`. Requests
 * with an Authorization header or no cookie carry no ambient authority and pass.
 */
export function guardRequest(
  req: IncomingMessage,
  allowedOrigins: readonly string[] | undefined,
  /** The route reads a form body and checks its own cookie's origin (Mercure publishing). */
  formRoute = false,
): void {
  const method = req.method ?? 'GET';
  // Only a request that carries a body can smuggle a form or text one; a body-less POST to a
  // path that takes none (POST /) gets its 405, and cookie use is still checked below.
  if (BODY_METHODS.has(method) && hasBody(req) && !formRoute) {
    const type = req.headers['content-type'];
    if (type === undefined || !JSON_TYPE.test(type)) {
      throw new SseHubError(
        'UNSUPPORTED_MEDIA_TYPE',
        `Send the body as application/json (curl: -H "content-type: application/json"); got ${type ?? 'no Content-Type'}`,
      );
    }
  }
  if (!STATE_METHODS.has(method)) return;
  if (req.headers.authorization !== undefined) return;
  if (cookieValue(req.headers.cookie, TOKEN_COOKIE) === undefined) return;
  assertTrustedOrigin(req, allowedOrigins);
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * A state change authenticated by a cookie (the hub's, or a protocol adapter's
 * own such as Mercure's) must come from the hub's origin or a listed one.
 */
export function assertTrustedOrigin(req: IncomingMessage, allowedOrigins: readonly string[] | undefined): void {
  const origin = requestOrigin(req);
  if (origin !== undefined && (isOwnOrigin(req, origin) || isListed(origin, allowedOrigins))) return;
  throw new SseHubError(
    'ORIGIN_NOT_ALLOWED',
    origin === undefined
      ? 'A request authenticated by cookie must say where it comes from (Origin or Referer header); send the token as Authorization: Bearer instead'
      : `Requests from ${origin} may not change state with a cookie; add the origin to --cors to allow it`,
    { origin: origin ?? null },
  );
}

/** `Origin`, else the origin of `Referer` (older browsers omit Origin on same-origin requests). */
function requestOrigin(req: IncomingMessage): string | undefined {
  const origin = req.headers.origin;
  if (origin !== undefined) return origin;
  const referer = req.headers.referer;
  if (referer === undefined) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return 'null';
  }
}

/**
 * The hub's own pages (the web app it serves) are same-origin. Compared by host
 * only: behind a TLS-terminating proxy the hub sees http while the page is https.
 */
function isOwnOrigin(req: IncomingMessage, origin: string): boolean {
  const host = requestHost(req);
  if (host === undefined || origin === 'null') return false;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host.toLowerCase();
  } catch {
    return false;
  }
}

/** Only origins listed by name: `*` lets anyone read public streams, never write with a visitor's cookie. */
function isListed(origin: string, allowed: readonly string[] | undefined): boolean {
  return origin !== 'null' && allowed !== undefined && allowed.includes(origin);
}
