import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Authenticator } from '../auth/authenticator.js';
import { OPEN_PRINCIPAL, type Principal } from '../auth/principal.js';
import { SseHubError } from '../errors.js';
import type { Hub } from '../hub/hub.js';
import { sessionPath } from '../protocol/wire.js';
import { credentialsOf } from './credentials.js';
import { NodeConnection } from './node-connection.js';
import { methodNotAllowed, readJsonBody, sendError, sendJson } from './respond.js';

/**
 * Who is asking: resolved from the request's token on first call, then the same
 * promise (a failed token rejects with its 401 error).
 */
export type PrincipalOf = () => Promise<Principal>;

/**
 * A route that other features plug in (collections, the web app): returns true
 * when it handled the request. Thrown errors become JSON error responses.
 */
export type HttpRoute = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  principal: PrincipalOf,
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
  /** Extra readiness facts for /healthz (e.g. the Redis connection). */
  health?: () => Record<string, unknown>;
  /** Verifies tokens; without one every request is the open principal. */
  authenticator?: Authenticator | undefined;
  logger: Logger;
}

/** The hub's HTTP API on node:http: /events, /publish, /healthz, plus plugged-in routes. */
export function createRequestHandler(hub: Hub, options: HandlerOptions): RequestHandler {
  const routes = options.routes ?? [];
  const authenticator = options.authenticator?.enabled ? options.authenticator : undefined;
  const basePath = options.basePath?.replace(/\/+$/, '') || undefined;
  const maxBody = hub.settings.maxEventBytes * 2 + 16 * 1024;
  const logInternal = (err: unknown) => options.logger.error({ err }, 'request failed');

  const corsHeaders = (req: IncomingMessage): Record<string, string> => {
    const origin = req.headers.origin;
    const allowed = options.corsOrigins;
    if (!origin || !allowed || allowed.length === 0) return {};
    if (!allowed.includes('*') && !allowed.includes(origin)) return {};
    return {
      'Access-Control-Allow-Origin': allowed.includes('*') ? '*' : origin,
      'Access-Control-Allow-Headers': 'Content-Type, Last-Event-ID, Authorization',
      'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
      Vary: 'Origin',
    };
  };

  async function route(req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://hub.local');
    if (basePath) {
      if (url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) {
        if (next) return next();
        throw new SseHubError('NOT_FOUND', `No route for ${req.method} ${url.pathname}`);
      }
      url.pathname = url.pathname.slice(basePath.length) || '/';
    }
    const cors = corsHeaders(req);
    for (const [name, value] of Object.entries(cors)) res.setHeader(name, value);
    if (req.method === 'OPTIONS' && Object.keys(cors).length > 0) {
      res.writeHead(204).end();
      return;
    }
    let resolved: Promise<Principal> | undefined;
    const principal: PrincipalOf = () => {
      resolved ??= authenticator
        ? authenticator.authenticate(credentialsOf(req, url))
        : Promise.resolve(OPEN_PRINCIPAL);
      return resolved;
    };
    switch (url.pathname) {
      case '/events': {
        if (req.method !== 'GET') throw methodNotAllowed('GET');
        // Admission throws before the stream starts, so refusals answer as JSON.
        const ticket = hub.admit(await principal(), {
          topics: url.searchParams.getAll('topic'),
          lastEventId: lastEventIdOf(req, url),
          clientAddress: req.socket.remoteAddress,
        });
        await hub.startStream(ticket, new NodeConnection(req, res));
        return;
      }
      case '/publish': {
        if (req.method !== 'POST') throw methodNotAllowed('POST');
        const who = await principal();
        const body = await readJsonBody(req, maxBody);
        const event = await hub.publish(body as never, who);
        sendJson(res, 200, { id: event.id });
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
      if (await handle(req, res, url, principal)) return;
    }
    if (next) {
      next();
      return;
    }
    throw new SseHubError('NOT_FOUND', `No route for ${req.method} ${url.pathname}`);
  }

  return (req, res, next) => {
    route(req, res, next).catch((err) => sendError(res, err, logInternal));
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
