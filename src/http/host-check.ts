import type { IncomingMessage } from 'node:http';
import { SseHubError } from '../errors.js';

/** Host names that always mean this machine; accepted whenever the check is on. */
export const LOOPBACK_HOST_NAMES: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** Bind addresses on which the Host check is on even without `allowedHosts`. */
const LOOPBACK_BIND = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopbackBind(host: string): boolean {
  return LOOPBACK_BIND.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The `allowedHosts` a standalone hub runs with. DNS rebinding points an
 * attacker's name at 127.0.0.1, so a page from that name reaches a hub on
 * loopback as same-origin; only the Host header tells the two apart. Bound to
 * loopback, the hub therefore answers only loopback names plus the configured
 * ones; bound elsewhere it checks only if names are configured. `*` turns the
 * check off.
 */
export function allowedHostsForBind(host: string, configured: readonly string[] | undefined): string[] | undefined {
  if (configured?.includes('*')) return undefined;
  if (configured !== undefined) return [...configured];
  return isLoopbackBind(host) ? [] : undefined;
}

/**
 * A check that throws HOST_NOT_ALLOWED unless the request's Host (port ignored)
 * is a loopback name or one of `allowed`. Undefined `allowed` means no check.
 * A request without Host or :authority (HTTP/1.0) passes: browsers always send one.
 */
export function createHostCheck(allowed: readonly string[] | undefined): ((req: IncomingMessage) => void) | undefined {
  if (allowed === undefined || allowed.includes('*')) return undefined;
  const names = new Set([...LOOPBACK_HOST_NAMES, ...allowed.map(hostName)]);
  return (req) => {
    const host = requestHost(req);
    if (host === undefined) return;
    if (!names.has(hostName(host))) {
      throw new SseHubError(
        'HOST_NOT_ALLOWED',
        `Host "${host.slice(0, 100)}" is not served here; add it with --allowed-hosts if it is this hub's name`,
      );
    }
  };
}

/**
 * The host a request was sent to: `Host` in HTTP/1.1, the `:authority`
 * pseudo-header in HTTP/2 (browsers send no `Host` there, so checking `Host`
 * alone would wave every HTTP/2 request through).
 */
export function requestHost(req: IncomingMessage): string | undefined {
  const authority = req.headers[':authority'];
  return req.headers.host ?? (typeof authority === 'string' ? authority : undefined);
}

/** `Example.com:8080` → `example.com`, `[::1]:80` → `[::1]`. */
function hostName(host: string): string {
  const lower = host.trim().toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  const colon = lower.indexOf(':');
  return colon === -1 ? lower : lower.slice(0, colon);
}
