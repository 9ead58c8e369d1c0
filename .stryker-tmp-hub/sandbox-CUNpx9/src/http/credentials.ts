// @ts-nocheck
import type { IncomingMessage } from 'node:http';
import type { Credentials } from '../auth/authenticator.js';

/** The cookie a browser's native EventSource sends the token in (HttpOnly; see docs/security.md). */
export const TOKEN_COOKIE = 'ssehub_token';
/** The query parameter a token may travel in, only with `allowQueryToken`. */
export const TOKEN_QUERY = 'access_token';

/** Where this request carries a token: the Authorization header, the cookie, the URL. */
export function credentialsOf(req: IncomingMessage, url: URL): Credentials {
  const authorization = req.headers.authorization;
  const bearer = authorization === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
  return {
    bearer: bearer ?? (authorization === undefined ? undefined : authorization),
    cookie: cookieValue(req.headers.cookie, TOKEN_COOKIE),
    query: url.searchParams.get(TOKEN_QUERY) ?? undefined,
  };
}

/** One cookie's value from a `Cookie` header, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}
