import type { ResetReason } from './reset.js';
import type { CloseReason } from './subscriber.js';

/**
 * Counters the hub bumps on its hot paths: plain numbers (an increment costs
 * nothing measurable), read by metrics collectors at scrape time.
 */
export class HubCounters {
  /** Streams closed, by why. */
  readonly closes: Record<CloseReason, number> = {
    client: 0,
    'slow-consumer': 0,
    lifetime: 0,
    'token-expired': 0,
    shutdown: 0,
    error: 0,
  };
  /** Resuming clients served history from their id. */
  resumed = 0;
  /** Resuming clients answered with `reset` instead, by reason. */
  readonly resets: Record<ResetReason, number> = {
    'unknown-id': 0,
    'log-replaced': 0,
    'history-trimmed': 0,
    'source-lost': 0,
  };
  /** Events written to resuming clients from history. */
  replayedEvents = 0;
  /** The seq of the newest event the live feed handed the hub (its lag is the log head minus this). */
  lastFedSeq = 0;
}
