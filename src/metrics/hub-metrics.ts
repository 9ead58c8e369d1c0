import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Hub } from '../hub/hub.js';
import { STREAM_KINDS } from '../hub/hub-observer.js';
import type { ResetReason } from '../hub/reset.js';
import type { CloseReason } from '../hub/subscriber.js';
import type { Canary } from './canary.js';

/** Change capture's lag, read at scrape time (Capture implements it; see docs/postgres.md). */
export interface CaptureLagSource {
  lag(): Promise<{ bytes: number | undefined; seconds: number | undefined }>;
}

/** Latency buckets in seconds: sub-millisecond fan-out up to multi-second stalls. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * The hub's Prometheus metrics (docs/operations.md#metrics lists each one).
 * Labels are bounded sets (stream kind, close reason, error code), never a
 * topic, identity or id. Hot-path counts are plain numbers the hub keeps; the
 * collect callbacks copy them at scrape time.
 */
export class HubMetrics {
  readonly registry = new Registry();
  readonly streamsOpened: Counter<'kind'>;
  readonly fanOutLatency: Histogram;
  readonly canaryRoundTrip: Histogram;
  readonly authFailures: Counter<'code'>;
  readonly requestErrors: Counter<'code'>;

  constructor(
    hub: Hub,
    options: { canary?: Canary | undefined; ready: () => boolean; captureLag?: CaptureLagSource | undefined },
  ) {
    const registers = [this.registry];
    const { counters } = hub;
    new Gauge({
      name: 'ssehub_streams_open',
      help: 'Open event streams on this node, by kind',
      labelNames: ['kind'],
      registers,
      collect() {
        for (const kind of STREAM_KINDS) this.set({ kind }, hub.openByKind[kind]);
      },
    });
    this.streamsOpened = new Counter({
      name: 'ssehub_streams_opened_total',
      help: 'Event streams started on this node, by kind',
      labelNames: ['kind'],
      registers,
    });
    for (const kind of STREAM_KINDS) this.streamsOpened.inc({ kind }, 0);
    new Counter({
      name: 'ssehub_streams_closed_total',
      help: 'Event streams ended on this node, by reason',
      labelNames: ['reason'],
      registers,
      collect() {
        this.reset();
        for (const [reason, n] of Object.entries(counters.closes)) this.inc({ reason: reason as CloseReason }, n);
      },
    });
    new Counter({
      name: 'ssehub_events_published_total',
      help: "Events appended to the log, as this node's live feed received them (in a cluster: every node's)",
      registers,
      collect() {
        this.reset();
        this.inc(hub.stats().published);
      },
    });
    new Counter({
      name: 'ssehub_events_delivered_total',
      help: 'Events written to streams on this node (one per event per stream, live and replayed)',
      registers,
      collect() {
        this.reset();
        this.inc(hub.stats().delivered);
      },
    });
    this.fanOutLatency = new Histogram({
      name: 'ssehub_fanout_latency_seconds',
      help: 'From log append to the last socket write of a fanned-out batch (observed once per batch)',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    new Counter({
      name: 'ssehub_replays_total',
      help: 'Streams opened with a Last-Event-ID: resumed from history, or answered with reset (by reason)',
      labelNames: ['outcome', 'reason'],
      registers,
      collect() {
        this.reset();
        this.inc({ outcome: 'resumed', reason: '' }, counters.resumed);
        for (const [reason, n] of Object.entries(counters.resets)) {
          this.inc({ outcome: 'reset', reason: reason as ResetReason }, n);
        }
      },
    });
    new Counter({
      name: 'ssehub_replayed_events_total',
      help: 'Events written to resuming streams from history',
      registers,
      collect() {
        this.reset();
        this.inc(counters.replayedEvents);
      },
    });
    this.authFailures = new Counter({
      name: 'ssehub_auth_failures_total',
      help: 'Requests refused with 401 or 403, by error code',
      labelNames: ['code'],
      registers,
    });
    this.requestErrors = new Counter({
      name: 'ssehub_request_errors_total',
      help: 'Requests answered with an error, by error code (auth failures included)',
      labelNames: ['code'],
      registers,
    });
    // Log gauges: one position read and one event read per scrape, shared by the gauges
    // (prom-client collects metrics concurrently).
    let logRead: Promise<LogFacts | undefined> | undefined;
    const readLog = (): Promise<LogFacts | undefined> => {
      logRead ??= logFacts(hub).finally(() => {
        logRead = undefined;
      });
      return logRead;
    };
    const logGauge = (name: string, help: string, pick: (facts: LogFacts) => number) =>
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          const facts = await readLog();
          if (facts) this.set(pick(facts));
        },
      });
    new Gauge({
      name: 'ssehub_log_up',
      help: '1 when the log reports healthy (Redis reachable and its feed reading, for a Redis log)',
      registers,
      async collect() {
        this.set((await readLog()) ? 1 : 0);
      },
    });
    logGauge('ssehub_log_head', 'Position (seq) of the newest event in the log', (f) => f.head);
    logGauge(
      'ssehub_log_retained_events',
      'Events the log holds (head minus the trimmed-through position)',
      (f) => f.retained,
    );
    logGauge(
      'ssehub_log_oldest_event_age_seconds',
      'Age of the oldest event the log still holds (0 when empty)',
      (f) => f.oldestAgeSeconds,
    );
    logGauge(
      'ssehub_live_feed_lag_events',
      "Events appended to the log that this node's live feed has not handed to the hub yet",
      (f) => Math.max(0, f.head - counters.lastFedSeq),
    );
    new Gauge({
      name: 'ssehub_unsent_bytes',
      help: 'Bytes written to streams that sockets have not taken yet, plus snapshots being sent',
      registers,
      collect() {
        this.set(hub.unsent.used);
      },
    });
    new Gauge({
      name: 'ssehub_ready',
      help: '1 when /readyz answers 200 (log reachable, canary fresh)',
      registers,
      collect() {
        this.set(options.ready() ? 1 : 0);
      },
    });
    this.canaryRoundTrip = new Histogram({
      name: 'ssehub_canary_round_trip_seconds',
      help: "From the canary's publish to its own subscriber receiving the beat",
      buckets: LATENCY_BUCKETS,
      registers,
    });
    const canary = options.canary;
    if (canary) {
      new Gauge({
        name: 'ssehub_canary_last_received_age_seconds',
        help: "Time since this node's canary last received its own beat (since start when none yet)",
        registers,
        collect() {
          const last = canary.status().lastReceivedAt;
          this.set(last === undefined ? -1 : (Date.now() - last) / 1000);
        },
      });
      new Counter({
        name: 'ssehub_canary_beats_total',
        help: 'Canary beats this node published (direction="sent") and got back (direction="received")',
        labelNames: ['direction'],
        registers,
        collect() {
          this.reset();
          this.inc({ direction: 'sent' }, canary.sent);
          this.inc({ direction: 'received' }, canary.received);
        },
      });
    }
    const captureLag = options.captureLag;
    if (captureLag) {
      // One read of the source per scrape, shared by both gauges (prom-client collects concurrently).
      let pending: ReturnType<CaptureLagSource['lag']> | undefined;
      const lag = () => {
        pending ??= captureLag.lag().finally(() => {
          pending = undefined;
        });
        return pending;
      };
      new Gauge({
        name: 'ssehub_capture_lag_bytes',
        help: "Bytes of the database's write-ahead log after the last position change capture stored (-1: the database cannot be asked)",
        registers,
        async collect() {
          this.set((await lag()).bytes ?? -1);
        },
      });
      new Gauge({
        name: 'ssehub_capture_lag_seconds',
        help: 'From COMMIT in the database to stored in the log, for the last captured transaction (-1: none yet)',
        registers,
        async collect() {
          this.set((await lag()).seconds ?? -1);
        },
      });
    }
  }
}

interface LogFacts {
  head: number;
  retained: number;
  oldestAgeSeconds: number;
}

/** What the log gauges show; undefined when the log is unhealthy or a read fails. */
async function logFacts(hub: Hub): Promise<LogFacts | undefined> {
  if (!hub.log.health().ok) return undefined;
  try {
    const position = await hub.log.position();
    const [oldest] = await hub.log.readAfter(position.trimmedThrough, 1);
    return {
      head: position.head,
      retained: Math.max(0, position.head - position.trimmedThrough),
      oldestAgeSeconds: oldest ? Math.max(0, (Date.now() - oldest.time) / 1000) : 0,
    };
  } catch {
    return undefined;
  }
}
