import type { EncodedEvent } from '../hub/encoded-event.js';
import type { StreamKind, StreamReport } from '../hub/hub-observer.js';
import type { CloseReason } from '../hub/subscriber.js';

export interface RecentClose {
  at: number;
  kind: StreamKind;
  reason: CloseReason | undefined;
  durationMs: number;
  events: number;
  bytes: number;
}

const RECENT_CLOSES = 20;

/**
 * What the admin stats stream shows beyond the metrics: fan-out latency over
 * the last second, events per topic (counted only while someone watches, so
 * the hot path pays nothing otherwise) and the last disconnects.
 */
export class LiveStats {
  /** Dashboards watching; topic rates are counted only when above zero. */
  watchers = 0;
  #latencyCount = 0;
  #latencySum = 0;
  #latencyMax = 0;
  #topicCounts = new Map<string, number>();
  readonly recentCloses: RecentClose[] = [];

  fannedOut(batch: readonly EncodedEvent[], latencyMs: number): void {
    this.#latencyCount++;
    this.#latencySum += latencyMs;
    if (latencyMs > this.#latencyMax) this.#latencyMax = latencyMs;
    if (this.watchers === 0) return;
    for (const { event } of batch) {
      for (const topic of event.topics) this.#topicCounts.set(topic, (this.#topicCounts.get(topic) ?? 0) + 1);
    }
  }

  closed(stream: StreamReport, now: number): void {
    this.recentCloses.unshift({
      at: now,
      kind: stream.kind,
      reason: stream.closeReason,
      durationMs: now - stream.openedAt,
      events: stream.eventsSent,
      bytes: stream.bytesSent,
    });
    if (this.recentCloses.length > RECENT_CLOSES) this.recentCloses.pop();
  }

  /** The window since the last call: fan-out latency and events per topic; resets both. */
  drain(): { latency: { batches: number; avgMs: number; maxMs: number }; topics: Map<string, number> } {
    const latency = {
      batches: this.#latencyCount,
      avgMs: this.#latencyCount === 0 ? 0 : this.#latencySum / this.#latencyCount,
      maxMs: this.#latencyMax,
    };
    const topics = this.#topicCounts;
    this.#latencyCount = 0;
    this.#latencySum = 0;
    this.#latencyMax = 0;
    this.#topicCounts = new Map();
    return { latency, topics };
  }
}
