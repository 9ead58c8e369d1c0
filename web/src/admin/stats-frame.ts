/** One `event: stats` frame of `GET /admin/stats` (src/metrics/admin-stats.ts). */
export interface StatsFrame {
  at: number;
  node: string | undefined;
  streams: Record<string, number>;
  publishedPerSec: number;
  deliveredPerSec: number;
  fanOut: { batches: number; avgMs: number; maxMs: number };
  topBySubscribers: { patterns: string[]; streams: number }[];
  topByRate: { topic: string; perSec: number }[];
  recentCloses: { at: number; kind: string; reason?: string; durationMs: number; events: number; bytes: number }[];
  nodes: { node: string; self: boolean; ageMs: number; roundTripMs?: number }[];
  ready: { ok: boolean; reasons: string[] };
  captureLag: number | null;
}

/** Minutes of history the charts keep (one point a second). */
export const HISTORY_POINTS = 5 * 60;
