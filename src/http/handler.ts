import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { SseHubError } from '../errors.js';
import type { Hub } from '../hub/hub.js';
import { createHostCheck } from './host-check.js';
import { NodeConnection } from './node-connection.js';
import { methodNotAllowed, readJsonBody, sendError, sendJson } from './respond.js';
import { applySecurityHeaders, removeSecurityHeaders } from './security-headers.js';

/**
 * A route that other features plug in (collections, the web app): returns true
 * when it handled the request. Thrown errors become JSON error responses.
 */
export type HttpRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> | boolean;

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
  logger: Logger;
}

/** The hub's HTTP API on node:http: /events, /publish, /healthz, plus plugged-in routes. */
export function createRequestHandler(hub: Hub, options: HandlerOptions): RequestHandler {
  const routes = options.routes ?? [];
  const basePath = options.basePath?.replace(/\/+$/, '') || undefined;
  const maxBody = hub.settings.maxEventBytes * 2 + 16 * 1024;
  const logInternal = (err: unknown) => options.logger.error({ err }, 'request failed');
  const checkHost = createHostCheck(options.allowedHosts);

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
    const cors = corsHeaders(req);
    for (const [name, value] of Object.entries(cors)) res.setHeader(name, value);
    if (req.method === 'OPTIONS' && Object.keys(cors).length > 0) {
      res.writeHead(204).end();
      return;
    }
    switch (url.pathname) {
      case '/events': {
        if (req.method !== 'GET') throw methodNotAllowed('GET');
        const request = {
          topics: url.searchParams.getAll('topic'),
          lastEventId: headerValue(req.headers['last-event-id']) ?? url.searchParams.get('lastEventId') ?? undefined,
        };
        hub.checkSubscription(request); // errors answer as JSON before the stream starts
        await hub.subscribe(new NodeConnection(req, res), request);
        return;
      }
      case '/publish': {
        if (req.method !== 'POST') throw methodNotAllowed('POST');
        const body = await readJsonBody(req, maxBody);
        const event = await hub.publish(body as never);
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
    for (const handle of routes) {
      if (await handle(req, res, url)) return;
    }
    if (next) {
      removeSecurityHeaders(res);
      next();
      return;
    }
    throw new SseHubError('NOT_FOUND', `No route for ${req.method} ${url.pathname}`);
  }

  return (req, res, next) => {
    route(req, res, next).catch((err) => sendError(res, err, logInternal));
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
