/**
 * A fixed-bucket latency histogram cheap enough to record every delivery:
 * 10 µs buckets up to 10 ms, 1 ms buckets up to 1 s, 100 ms buckets up to 60 s.
 * Workers record into their own and the harness merges the counts.
 */
// @ts-nocheck

const FINE = 1000; // 0..10 ms at 0.01 ms
const MEDIUM = 990; // 10..1000 ms at 1 ms
const COARSE = 590; // 1..60 s at 100 ms
export const BUCKETS = FINE + MEDIUM + COARSE + 1;

export function bucketOf(ms: number): number {
  if (ms < 10) return ms <= 0 ? 0 : Math.floor(ms * 100);
  if (ms < 1000) return FINE + Math.floor(ms - 10);
  if (ms < 60_000) return FINE + MEDIUM + Math.floor((ms - 1000) / 100);
  return BUCKETS - 1;
}

/** The upper edge of a bucket, in ms (what a percentile reports). */
export function bucketUpperMs(bucket: number): number {
  if (bucket < FINE) return (bucket + 1) / 100;
  if (bucket < FINE + MEDIUM) return 10 + (bucket - FINE) + 1;
  if (bucket < BUCKETS - 1) return 1000 + (bucket - FINE - MEDIUM + 1) * 100;
  return Number.POSITIVE_INFINITY;
}

export class LatencyHistogram {
  counts = new Float64Array(BUCKETS);
  total = 0;
  max = 0;

  record(ms: number): void {
    const bucket = bucketOf(ms);
    this.counts[bucket] = (this.counts[bucket] as number) + 1;
    this.total++;
    if (ms > this.max) this.max = ms;
  }

  merge(counts: ArrayLike<number>, max: number): void {
    for (let i = 0; i < BUCKETS; i++) {
      const c = counts[i] as number;
      this.counts[i] = (this.counts[i] as number) + c;
      this.total += c;
    }
    if (max > this.max) this.max = max;
  }

  percentile(p: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.ceil((p / 100) * this.total);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i] as number;
      if (seen >= rank) return Math.min(bucketUpperMs(i), this.max);
    }
    return this.max;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.max = 0;
  }
}
