import type { EncodedEvent } from './encoded-event.js';

/** Why a stream ended; a bounded set, used as a metrics label. */
export type CloseReason = 'client' | 'slow-consumer' | 'lifetime' | 'token-expired' | 'shutdown' | 'error';

/** What a stream serves, for metrics and logs: a bounded set (never a topic or identity). */
export type StreamKind = 'events' | 'live' | 'mercure' | 'internal';

export const STREAM_KINDS: readonly StreamKind[] = ['events', 'live', 'mercure', 'internal'];

/** A stream as observers see it when it opens and closes. */
export interface StreamReport {
  readonly id: number;
  readonly kind: StreamKind;
  readonly openedAt: number;
  /** Events and bytes written to the stream so far (replay, prelude and live). */
  readonly eventsSent: number;
  readonly bytesSent: number;
  readonly closeReason: CloseReason | undefined;
}

/**
 * How the hub reports what it does to telemetry (metrics, stream logs, the
 * admin stats stream), plugged in at composition with `hub.setObserver`. Calls
 * are per stream and per fan-out batch, never per socket write; counters that
 * move on every event are plain numbers in {@link HubCounters}, read at scrape time.
 */
export interface HubObserver {
  streamOpened(stream: StreamReport): void;
  streamClosed(stream: StreamReport): void;
  /** One fanned-out batch: its events and the time from the oldest one's append to the last socket write. */
  fannedOut(batch: readonly EncodedEvent[], latencyMs: number): void;
}

export const NO_OBSERVER: HubObserver = {
  streamOpened() {},
  streamClosed() {},
  fannedOut() {},
};
