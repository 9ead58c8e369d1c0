import { pino } from 'pino';
import { Hub, type HubSettings } from '../../src/hub/hub.js';
import type { EventLog } from '../../src/log/event-log.js';

/** Settings for a Hub driven directly through its ports (no HTTP): quiet timers, no retention. */
export function coreHubSettings(overrides: Partial<HubSettings> = {}): HubSettings {
  return {
    heartbeatMs: 3_600_000,
    retryMs: 1000,
    maxBufferBytes: 1024 * 1024,
    maxEventBytes: 64 * 1024,
    maxTopicsPerConnection: 32,
    maxTopicsPerEvent: 16,
    maxBatchEvents: 1000,
    maxBatchBytes: 1024 * 1024,
    recentEvents: 1000,
    retention: { maxEvents: undefined, maxAgeMs: undefined },
    retentionIntervalMs: 60_000,
    ...overrides,
  };
}

/** A Hub on `log` with {@link coreHubSettings}; the caller starts and closes it. */
export function coreHub(log: EventLog, overrides: Partial<HubSettings> = {}): Hub {
  return new Hub(log, coreHubSettings(overrides), pino({ level: 'silent' }));
}
