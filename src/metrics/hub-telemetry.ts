import type { Logger } from 'pino';
import type { EncodedEvent } from '../hub/encoded-event.js';
import type { HubObserver, StreamReport } from '../hub/hub-observer.js';
import type { HubMetrics } from './hub-metrics.js';
import type { LiveStats } from './live-stats.js';

/**
 * The hub's observer: stream counts and fan-out latency into the metrics,
 * disconnects into the live stats, and one structured log line per stream
 * opened and closed. Log lines carry the stream's kind, id, duration, events,
 * bytes and close reason: never a token, topic data or event data.
 */
export class HubTelemetry implements HubObserver {
  readonly #metrics: HubMetrics | undefined;
  readonly #live: LiveStats;
  readonly #logger: Logger;

  constructor(options: { metrics: HubMetrics | undefined; live: LiveStats; logger: Logger }) {
    this.#metrics = options.metrics;
    this.#live = options.live;
    this.#logger = options.logger;
  }

  streamOpened(stream: StreamReport): void {
    this.#metrics?.streamsOpened.inc({ kind: stream.kind });
    if (stream.kind !== 'internal') this.#logger.info({ stream: stream.id, kind: stream.kind }, 'stream opened');
  }

  streamClosed(stream: StreamReport): void {
    const now = Date.now();
    if (stream.kind === 'internal') return;
    this.#live.closed(stream, now);
    this.#logger.info(
      {
        stream: stream.id,
        kind: stream.kind,
        reason: stream.closeReason,
        durationMs: now - stream.openedAt,
        events: stream.eventsSent,
        bytes: stream.bytesSent,
      },
      'stream closed',
    );
  }

  fannedOut(batch: readonly EncodedEvent[], latencyMs: number): void {
    this.#metrics?.fanOutLatency.observe(latencyMs / 1000);
    this.#live.fannedOut(batch, latencyMs);
  }
}
