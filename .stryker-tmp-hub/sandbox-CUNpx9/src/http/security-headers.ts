// @ts-nocheck
import type { ServerResponse } from 'node:http';

/**
 * Sent on every response the hub gives. The message board at `/` is the hub's
 * own origin, so a page elsewhere must neither frame it (clickjacking: CSP
 * `frame-ancestors 'none'` and, for older browsers, `X-Frame-Options`) nor get
 * it to run foreign code. The content policy allows what the Vite build uses and
 * nothing more: scripts, styles and the event stream from the same origin, and
 * the data: favicon. Inline style attributes are allowed for the React app's
 * `style` props; inline scripts are not.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

export function applySecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}

/** For requests the hub passes on (`next()` in Express): the host app sets its own policy. */
export function removeSecurityHeaders(res: ServerResponse): void {
  if (res.headersSent) return;
  for (const name of Object.keys(SECURITY_HEADERS)) res.removeHeader(name);
}
