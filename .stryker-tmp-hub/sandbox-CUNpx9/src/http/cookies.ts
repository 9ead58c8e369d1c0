// @ts-nocheck
import type { ServerResponse } from 'node:http';
import { TOKEN_COOKIE } from './credentials.js';

export interface TokenCookieOptions {
  /** Add `Secure` (the request came over TLS: see `isSecureRequest`). */
  secure: boolean;
  /** Lifetime in seconds; without it the cookie ends with the browser session. */
  maxAge?: number | undefined;
}

/**
 * The `Set-Cookie` value carrying a token. `HttpOnly`: page scripts (and so an
 * XSS) cannot read it. `SameSite=Lax`: browsers leave it off cross-site
 * subresource requests and cross-site POSTs; same-site origins still send it,
 * which is why state changes also check `Origin` (request-guard.ts).
 */
export function tokenCookie(token: string, options: TokenCookieOptions): string {
  if (!/^[\w.~+/=-]+$/.test(token)) throw new TypeError('A token cookie value must be a compact JWT');
  const parts = [`${TOKEN_COOKIE}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (options.maxAge !== undefined) {
    if (!Number.isSafeInteger(options.maxAge) || options.maxAge < 0) {
      throw new TypeError(`maxAge must be whole seconds; got ${options.maxAge}`);
    }
    parts.push(`Max-Age=${options.maxAge}`);
  }
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/** Sets the token cookie on a response, keeping any other cookie the response sets. */
export function setTokenCookie(res: ServerResponse, token: string, options: TokenCookieOptions): void {
  res.appendHeader('Set-Cookie', tokenCookie(token, options));
}

/** Removes the token cookie (sign-out): same name, path and flags, expired. */
export function clearTokenCookie(res: ServerResponse, options: Pick<TokenCookieOptions, 'secure'>): void {
  const parts = [`${TOKEN_COOKIE}=`, 'Path=/', 'HttpOnly', 'SameSite=Lax', 'Max-Age=0'];
  if (options.secure) parts.push('Secure');
  res.appendHeader('Set-Cookie', parts.join('; '));
}
