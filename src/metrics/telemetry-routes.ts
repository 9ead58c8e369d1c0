import { readFileSync } from 'node:fs';
import { assertAdmin } from '../auth/access.js';
import { SseHubError } from '../errors.js';
import type { HttpRoute } from '../http/handler.js';
import { NodeConnection } from '../http/node-connection.js';
import { methodNotAllowed, sendJson } from '../http/respond.js';
import type { Hub } from '../hub/hub.js';
import type { AdminStats } from './admin-stats.js';
import type { Canary } from './canary.js';
import type { HubMetrics } from './hub-metrics.js';
import { readinessOf } from './readiness.js';

export interface TelemetryRouteOptions {
  hub: Hub;
  metrics: HubMetrics | undefined;
  canary: Canary | undefined;
  stats: AdminStats;
  /** The built dashboard page (web/dist/admin.html); undefined when the web app is not built. */
  adminPage: string | undefined;
}

const TOPIC_EVENTS = 20;
const DATA_PREVIEW_CHARS = 2000;

/**
 * `/metrics` (Prometheus text; admin), `/readyz` (readiness; open, for
 * probes), `/admin` (the dashboard page), `/admin/stats` (its SSE stats
 * stream) and `/admin/topic?topic=` (a topic's subscribers and last events).
 * Admin means an admin token when auth is on; open mode (loopback) is admin.
 */
export function telemetryRoutes(options: TelemetryRouteOptions): HttpRoute {
  const { hub, metrics, canary, stats } = options;
  const get = (method: string | undefined) => {
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed('GET');
  };
  return async (req, res, { url, principal }) => {
    switch (url.pathname) {
      case '/readyz': {
        get(req.method);
        const readiness = readinessOf(hub, canary);
        sendJson(res, readiness.ok ? 200 : 503, { status: readiness.ok ? 'ready' : 'not-ready', ...readiness });
        return true;
      }
      case '/metrics': {
        if (!metrics) return false;
        get(req.method);
        assertAdmin(await principal(), 'Reading metrics');
        const text = await metrics.registry.metrics();
        res.writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : text);
        return true;
      }
      case '/admin':
      case '/admin/':
      case '/admin.html': {
        get(req.method);
        assertAdmin(await principal(), 'The admin dashboard');
        if (!options.adminPage) {
          throw new SseHubError('NOT_FOUND', 'The admin dashboard is not built: run `npm run build`');
        }
        const page = readFileSync(options.adminPage);
        res.writeHead(200, {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Length': page.length,
          'Cache-Control': 'no-store',
        });
        res.end(req.method === 'HEAD' ? undefined : page);
        return true;
      }
      case '/admin/stats': {
        get(req.method);
        assertAdmin(await principal(), 'The stats stream');
        const connection = new NodeConnection(req, res);
        connection.write(Buffer.from(`retry: 2000\n\nevent: stats\ndata: ${JSON.stringify(stats.frame())}\n\n`));
        stats.watch(
          {
            res,
            bufferedBytes: () => connection.bufferedBytes,
            write: (chunk) => connection.write(chunk),
            destroy: () => connection.destroy(),
          },
          (listener) => connection.onClose(listener),
        );
        return true;
      }
      case '/admin/topic': {
        get(req.method);
        assertAdmin(await principal(), 'The topic lookup');
        const topic = url.searchParams.get('topic') ?? '';
        if (topic === '') throw new SseHubError('MISSING_TOPIC', 'Name the topic: /admin/topic?topic=chat');
        const info = hub.topicInfo(topic, TOPIC_EVENTS);
        sendJson(res, 200, {
          topic,
          subscribers: info.subscribers,
          recent: info.recent.map((e) => ({
            id: e.id,
            type: e.type,
            time: e.time,
            topics: e.topics,
            data: e.data.length > DATA_PREVIEW_CHARS ? `${e.data.slice(0, DATA_PREVIEW_CHARS)}…` : e.data,
          })),
        });
        return true;
      }
    }
    return false;
  };
}
