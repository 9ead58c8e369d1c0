import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { forbidden } from '../auth/access.js';
import type { Authenticator } from '../auth/authenticator.js';
import { OPEN_PRINCIPAL, type Principal } from '../auth/principal.js';
import { SseHubError } from '../errors.js';
import type { Hub } from '../hub/hub.js';
import type { StoredEvent } from '../log/event-log.js';
import { type BatchPublished, sessionPath } from '../protocol/wire.js';
import { clientAddressOf, isSecureRequest, type TrustProxy } from './client-address.js';
import { cookieValue, credentialsOf, TOKEN_COOKIE } from './credentials.js';
import { createHostCheck } from './host-check.js';
import { isNdjson, publishNdjson } from './ndjson-publish.js';
import { NodeConnection } from './node-connection.js';
import type { PublishLimit } from './publish-limit.js';
import { guardRequest } from './request-guard.js';
import { methodNotAllowed, readJsonBody, sendError, sendJson } from './respond.js';
import { applySecurityHeaders, removeSecurityHeaders } from './security-headers.js';

/**
 * Who is asking: resolved from the request's token on first call, then the same
 * promise (a failed token rejects with its 401 error).
 */
export type PrincipalOf = () => Promise<Principal>;

/** What the handler worked out about a request, handed to every route. */
export interface RequestContext {
  /** The request URL, with any `basePath` already stripped. */
  readonly url: URL;
  /** Who is asking (resolved once, on first call). */
  readonly principal: PrincipalOf;
  /** The client's address (`X-Forwarded-For` only with `trustProxy`): per-client quotas count by it. */
  readonly clientAddress: string | undefined;
  /** The request came over TLS (directly, or per `X-Forwarded-Proto` from a trusted proxy): cookies get `Secure`. */
  readonly secure: boolean;
  /** Counts publishing writes (appended events, 1 unless given) against the caller's rate; throws RATE_LIMITED past it. */
  countPublish(events?: number): Promise<void>;
}

/**
 * A route that other features plug in (collections, the web app): returns true
 * when it handled the request. Thrown errors become JSON error responses.
 */
export type HttpRoute = (
  req: IncomingMessage,
  res: ServerResponse,
  context: RequestContext,
) => Promise<boolean> | boolean;

/** A node:http request listener; `next` makes it usable as Express/Connect middleware. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => void;

export interface HandlerOptions {
  routes?: readonly HttpRoute[];
  /** Origins allowed to read streams and publish from a browser (`*` for any). */
  corsOrigins?: readonly string[] | undefined;
  /**
   * A path prefix the hub is mounted under when the host framework does not strip
   * it (Fastify, plain node:http routing): `/realtime` serves `/realtime/events`.
   */
  basePath?: string | undefined;
  /** Host names answered besides loopback ones (403 for others); undefined: no Host check. */
  allowedHosts?: readonly string[] | undefined;
  /** Extra readiness facts for /healthz (e.g. the Redis connection). */
  health?: () => Record<string, unknown>;
  /** Verifies tokens; without one every request is the open principal. */
  authenticator?: Authenticator | undefined;
  /** Believe `X-Forwarded-For`/`-Proto` from this many proxies in front (docs/security.md#abuse-limits). */
  trustProxy?: TrustProxy | undefined;
  /** The per-identity publish rate; undefined for none (open mode). */
  publishLimit?: PublishLimit | undefined;
  /** Paths whose route reads a form body and checks its own cookie's origin (Mercure publishing). */
  formPaths?: readonly string[] | undefined;
  /** A `Link` header on every response (Mercure discovery: `<…/.well-known/mercure>; rel="mercure"`). */
  link?: string | undefined;
  logger: Logger;
  /** Called with every error a request is answered with (metrics and the refusal log line). */
  onError?: ((err: unknown, req: IncomingMessage) => void) | undefined;
}

/** The hub's HTTP API on node:http: /events, /publish, /healthz, plus plugged-in routes. */
export function createRequestHandler(hub: Hub, options: HandlerOptions): RequestHandler {
  const routes = options.routes ?? [];
  const authenticator = options.authenticator?.enabled ? options.authenticator : undefined;
  const basePath = options.basePath?.replace(/\/+$/, '') || undefined;
  const maxBody = hub.settings.maxEventBytes * 2 + 16 * 1024;
  const logInternal = (err: unknown) => options.logger.error({ err }, 'request failed');
  const checkHost = createHostCheck(options.allowedHosts);

  const writeOrigins = options.corsOrigins?.filter((o) => o !== '*');
  /**
   * Listed origins may use the visitor's cookie (`Allow-Credentials`). `*` only
   * serves requests without one and never allows credentials, so a page on any
   * origin cannot read a signed-in visitor's streams.
   */
  const corsHeaders = (req: IncomingMessage): Record<string, string> => {
    const origin = req.headers.origin;
    const allowed = options.corsOrigins;
    if (!allowed || allowed.length === 0) return {};
    const vary = { Vary: 'Origin' };
    if (!origin) return vary;
    const grant = {
      'Access-Control-Allow-Headers': 'Content-Type, Last-Event-ID, Authorization, If-Match',
      'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
      'Access-Control-Expose-Headers': 'ETag, Location, Retry-After, Last-Event-ID, Link',
      ...vary,
    };
    if (allowed.includes(origin)) {
      return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', ...grant };
    }
    if (allowed.includes('*') && cookieValue(req.headers.cookie, TOKEN_COOKIE) === undefined) {
      return { 'Access-Control-Allow-Origin': origin, ...grant };
    }
    return vary;
  };

  async function route(req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://hub.local');
    applySecurityHeaders(res);
    if (basePath) {
      if (url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) {
        if (next) {
          removeSecurityHeaders(res);
          return next();
        }
        throw new SseHubError('NOT_FOUND', `No route for ${req.method} ${url.pathname}`);
      }
      url.pathname = url.pathname.slice(basePath.length) || '/';
    }
    checkHost?.(req);
    if (options.link) res.setHeader('Link', options.link);
    const cors = corsHeaders(req);
    for (const [name, value] of Object.entries(cors)) res.setHeader(name, value);
    if (req.method === 'OPTIONS' && cors['Access-Control-Allow-Origin'] !== undefined) {
      res.writeHead(204).end();
      return;
    }
    guardRequest(req, writeOrigins, options.formPaths?.includes(url.pathname));
    let resolved: Promise<Principal> | undefined;
    const principal: PrincipalOf = () => {
      resolved ??= authenticator
        ? authenticator.authenticate(credentialsOf(req, url))
        : Promise.resolve(OPEN_PRINCIPAL);
      return resolved;
    };
    const clientAddress = clientAddressOf(req, options.trustProxy);
    const context: RequestContext = {
      url,
      principal,
      clientAddress,
      secure: isSecureRequest(req, options.trustProxy),
      countPublish: async (events = 1) => options.publishLimit?.(await principal(), clientAddress, events),
    };
    switch (url.pathname) {
      case '/events': {
        if (req.method !== 'GET') throw methodNotAllowed('GET');
        // Admission throws before the stream starts, so refusals answer as JSON.
        const ticket = hub.admit(await principal(), {
          topics: url.searchParams.getAll('topic'),
          lastEventId: lastEventIdOf(req, url),
          clientAddress,
        });
        await hub.startStream(ticket, new NodeConnection(req, res));
        return;
      }
      case '/publish': {
        if (req.method !== 'POST') throw methodNotAllowed('POST');
        const who = await principal();
        if (who.rights.publish.length === 0) throw forbidden(who, 'Publishing is not permitted for this identity');
        if (isNdjson(req.headers['content-type'])) {
          await publishNdjson(req, res, {
            hub,
            checker: hub.eventChecker(who),
            count: () => options.publishLimit?.(who, clientAddress),
            lineLimit: maxBody,
            onInternal: logInternal,
          });
          return;
        }
        const body = await readJsonBody(req, maxBody, hub.settings.maxBatchBytes);
        // Every event is validated and authorized, then counted against the rate, before any is written.
        const events = hub.checkPublish(body, who);
        await context.countPublish(events.length);
        const stored = await hub.appendChecked(events);
        if (Array.isArray(body)) sendJson(res, 200, { ids: stored.map((e) => e.id) } satisfies BatchPublished);
        else sendJson(res, 200, { id: (stored[0] as StoredEvent).id });
        return;
      }
      case '/healthz': {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed('GET');
        const log = hub.log.health();
        const extra = options.health?.() ?? {};
        const ok = log.ok && !hub.closing;
        sendJson(res, ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable', log, ...hub.stats(), ...extra });
        return;
      }
    }
    if (url.pathname.startsWith(SESSION_PREFIX)) {
      if (req.method !== 'POST') throw methodNotAllowed('POST');
      const session = decodeURIComponent(url.pathname.slice(SESSION_PREFIX.length));
      sendJson(res, 200, hub.refresh(session, await principal()));
      return;
    }
    for (const handle of routes) {
      if (await handle(req, res, context)) return;
    }
    if (next) {
      removeSecurityHeaders(res);
      next();
      return;
    }
    throw new SseHubError('NOT_FOUND', `No route for ${req.method} ${url.pathname}`);
  }

  return (req, res, next) => {
    route(req, res, next).catch((err) => {
      options.onError?.(err, req);
      sendError(res, err, logInternal);
    });
  };
}

/**
 * `POST /events/sessions/<session>` with a fresh token (Bearer or cookie)
 * extends a running stream past its token's `exp` (docs/security.md).
 */
const SESSION_PREFIX = `/${sessionPath('')}`;

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The resume point of a stream request: the `Last-Event-ID` header, else the `lastEventId` query parameter. */
export function lastEventIdOf(req: IncomingMessage, url: URL): string | undefined {
  return headerValue(req.headers['last-event-id']) ?? url.searchParams.get('lastEventId') ?? undefined;
}
