// @ts-nocheck
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/**
 * How many proxies in front of the hub are trusted to report the client:
 * false (none: the socket's peer is the client), true (one) or a count.
 */
export type TrustProxy = boolean | number;

function hops(trust: TrustProxy | undefined): number {
  if (trust === true) return 1;
  return typeof trust === 'number' && trust > 0 ? Math.floor(trust) : 0;
}

/**
 * The address quotas count a client by. Without trusted proxies it is the
 * socket's peer. With `n` trusted proxies it is the `n`-th address of
 * `X-Forwarded-For` counted from the right: each trusted proxy appends the peer
 * it saw, so that entry was written by our own proxy, while anything to its left
 * came from the client and could be forged to escape a quota. Too short a header
 * (a request that bypassed a proxy) yields its left-most entry.
 */
export function clientAddressOf(req: IncomingMessage, trust?: TrustProxy): string | undefined {
  const peer = req.socket.remoteAddress;
  const n = hops(trust);
  if (n === 0) return peer;
  const forwarded = headerList(req.headers['x-forwarded-for']);
  const chain = peer === undefined ? forwarded : [...forwarded, peer];
  return chain[Math.max(0, chain.length - 1 - n)] ?? peer;
}

/**
 * Whether the browser reached us over TLS: a TLS socket, or (behind a trusted
 * proxy) `X-Forwarded-Proto: https`. The left-most value is the client's leg;
 * forging it only changes the flags of the forger's own cookie.
 */
export function isSecureRequest(req: IncomingMessage, trust?: TrustProxy): boolean {
  if ((req.socket as Partial<TLSSocket>).encrypted === true) return true;
  if (hops(trust) === 0) return false;
  return headerList(req.headers['x-forwarded-proto'])[0]?.toLowerCase() === 'https';
}

function headerList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value.join(',') : value)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
