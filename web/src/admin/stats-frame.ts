/** One `event: stats` frame of `GET /admin/stats`: the hub's own type, so page and server cannot drift. */
export type { StatsFrame } from '../../../src/metrics/admin-stats.js';

/** Minutes of history the charts keep (one point a second). */
export const HISTORY_POINTS = 5 * 60;
