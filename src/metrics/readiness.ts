import type { Hub } from '../hub/hub.js';
import type { LogHealth } from '../log/event-log.js';
import type { Canary, CanaryStatus } from './canary.js';

export interface Readiness {
  ok: boolean;
  /** Why not, one line per failed check. */
  reasons: string[];
  log: LogHealth;
  canary?: CanaryStatus;
}

/**
 * Readiness, as `/readyz` answers it: the log reachable (for Redis: the
 * connection and its live feed), the hub not shutting down, and the canary
 * fresh, which proves that events still flow from the log to subscribers.
 */
export function readinessOf(hub: Hub, canary: Canary | undefined): Readiness {
  const reasons: string[] = [];
  const log = hub.log.health();
  if (!log.ok) reasons.push(`log: ${log.detail ?? 'unavailable'}`);
  if (hub.closing) reasons.push('the hub is shutting down');
  const status = canary?.check();
  if (status && !status.ok) reasons.push(status.reason ?? 'canary: stale');
  return { ok: reasons.length === 0, reasons, log, ...(status && { canary: status }) };
}
