import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { toSseHubError } from '../errors.js';
import type { HttpRoute } from '../http/handler.js';
import type { Hub } from '../hub/hub.js';
import { AdminStats } from './admin-stats.js';
import { Canary } from './canary.js';
import { type CaptureLagSource, HubMetrics } from './hub-metrics.js';
import { HubTelemetry } from './hub-telemetry.js';
import { LiveStats } from './live-stats.js';
import { readinessOf } from './readiness.js';
import { telemetryRoutes } from './telemetry-routes.js';

export interface TelemetryOptions {
  /** Serve `/metrics` (prom-client); off, the hub keeps only its plain counters. */
  metrics: boolean;
  /** Canary beat interval; 0 turns the canary (and its readiness check) off. */
  canaryIntervalMs: number;
  /** The built dashboard page, if any. */
  adminPage: string | undefined;
  /** Change capture's lag, for `ssehub_capture_lag_*` (only with capture). */
  captureLag?: CaptureLagSource | undefined;
  logger: Logger;
}

export interface Telemetry {
  readonly route: HttpRoute;
  readonly metrics: HubMetrics | undefined;
  readonly canary: Canary | undefined;
  /** For the request handler: counts and logs every refused request. */
  onRequestError(err: unknown, req: IncomingMessage): void;
  stop(): void;
}

/** Wires metrics, the canary, stream logs and the admin routes onto a started hub. */
export function createTelemetry(hub: Hub, options: TelemetryOptions): Telemetry {
  const { logger } = options;
  const live = new LiveStats();
  let metrics: HubMetrics | undefined;
  const canary =
    options.canaryIntervalMs > 0
      ? new Canary({
          hub,
          intervalMs: options.canaryIntervalMs,
          logger,
          onRoundTrip: (ms) => metrics?.canaryRoundTrip.observe(ms / 1000),
        })
      : undefined;
  if (options.metrics) {
    metrics = new HubMetrics(hub, {
      canary,
      ready: () => readinessOf(hub, canary).ok,
      captureLag: options.captureLag,
    });
  }
  hub.setObserver(new HubTelemetry({ metrics, live, logger }));
  canary?.start();
  const stats = new AdminStats(hub, live, canary);
  const adminPage = options.adminPage && existsSync(options.adminPage) ? options.adminPage : undefined;
  return {
    route: telemetryRoutes({ hub, metrics, canary, stats, adminPage }),
    metrics,
    canary,
    onRequestError(err, req) {
      const error = toSseHubError(err);
      if (error.status === 401 || error.status === 403) metrics?.authFailures.inc({ code: error.code });
      metrics?.requestErrors.inc({ code: error.code });
      // The path only: the query may hold a token (access_token) or topic names.
      const path = (req.url ?? '/').split('?')[0];
      logger.info({ code: error.code, status: error.status, method: req.method, path }, 'request refused');
    },
    stop() {
      canary?.stop();
    },
  };
}
