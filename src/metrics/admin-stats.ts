import type { ServerResponse } from 'node:http';
import type { Hub } from '../hub/hub.js';
import type { Canary } from './canary.js';
import type { LiveStats } from './live-stats.js';
import { readinessOf } from './readiness.js';

const TOP = 10;
/** A dashboard whose socket holds this much unsent is dropped (it reconnects). */
const MAX_QUEUED_BYTES = 1024 * 1024;

/** One frame of the admin stats stream (`GET /admin/stats`, `event: stats`), once per second. */
export interface StatsFrame {
  at: number;
  node: string | undefined;
  streams: Record<string, number>;
  publishedPerSec: number;
  deliveredPerSec: number;
  fanOut: { batches: number; avgMs: number; maxMs: number };
  topBySubscribers: { patterns: readonly string[]; streams: number }[];
  topByRate: { topic: string; perSec: number }[];
  recentCloses: LiveStats['recentCloses'];
  nodes: { node: string; self: boolean; ageMs: number; roundTripMs: number | undefined }[];
  ready: { ok: boolean; reasons: string[] };
  /** PostgreSQL capture lag: null until a PostgreSQL source exists. */
  captureLag: null;
}

interface Watcher {
  res: ServerResponse;
  bufferedBytes(): number;
  write(chunk: Buffer): void;
  destroy(): void;
}

/**
 * The stats stream's one ticker: a frame a second, computed once and written
 * to every watching dashboard; it runs only while someone watches.
 */
export class AdminStats {
  readonly #hub: Hub;
  readonly #live: LiveStats;
  readonly #canary: Canary | undefined;
  readonly #watchers = new Set<Watcher>();
  #timer: NodeJS.Timeout | undefined;
  #last = { at: 0, published: 0, delivered: 0 };

  constructor(hub: Hub, live: LiveStats, canary: Canary | undefined) {
    this.#hub = hub;
    this.#live = live;
    this.#canary = canary;
  }

  watch(watcher: Watcher, onClose: (listener: () => void) => void): void {
    this.#watchers.add(watcher);
    this.#live.watchers = this.#watchers.size;
    onClose(() => {
      this.#watchers.delete(watcher);
      this.#live.watchers = this.#watchers.size;
      if (this.#watchers.size === 0) this.#stop();
    });
    if (!this.#timer) {
      this.#live.drain();
      const stats = this.#hub.stats();
      this.#last = { at: Date.now(), published: stats.published, delivered: stats.delivered };
      this.#timer = setInterval(() => this.#tick(), 1000).unref();
    }
  }

  #stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  frame(): StatsFrame {
    const now = Date.now();
    const stats = this.#hub.stats();
    const seconds = Math.max(0.001, (now - this.#last.at) / 1000);
    const publishedPerSec = (stats.published - this.#last.published) / seconds;
    const deliveredPerSec = (stats.delivered - this.#last.delivered) / seconds;
    this.#last = { at: now, published: stats.published, delivered: stats.delivered };
    const { latency, topics } = this.#live.drain();
    const readiness = readinessOf(this.#hub, this.#canary);
    const { internal: _internal, ...streams } = this.#hub.openByKind;
    return {
      at: now,
      node: this.#canary?.node,
      streams,
      publishedPerSec,
      deliveredPerSec,
      fanOut: latency,
      topBySubscribers: this.#hub
        .subscriptions()
        .filter((s) => !s.patterns.every((p) => p.startsWith('_ssehub/')))
        .sort((a, b) => b.streams - a.streams)
        .slice(0, TOP),
      topByRate: [...topics]
        .filter(([topic]) => !topic.startsWith('_ssehub/'))
        .sort((a, b) => b[1] - a[1])
        .slice(0, TOP)
        .map(([topic, n]) => ({ topic, perSec: n / seconds })),
      recentCloses: this.#live.recentCloses.slice(0, TOP),
      nodes: (this.#canary?.nodes() ?? []).map((n) => ({
        node: n.node,
        self: n.self,
        ageMs: now - n.lastSeenAt,
        roundTripMs: n.roundTripMs,
      })),
      ready: { ok: readiness.ok, reasons: readiness.reasons },
      captureLag: null,
    };
  }

  #tick(): void {
    const chunk = Buffer.from(`event: stats\ndata: ${JSON.stringify(this.frame())}\n\n`);
    for (const watcher of this.#watchers) {
      if (watcher.bufferedBytes() > MAX_QUEUED_BYTES) watcher.destroy();
      else watcher.write(chunk);
    }
  }
}
