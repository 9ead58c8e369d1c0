// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { Backoff, backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('grows exponentially up to the cap (upper bound with random → 1)', () => {
    const nearlyOne = () => 0.999_999;
    const delays = [0, 1, 2, 3, 4, 5, 6, 10].map((attempt) =>
      backoffDelay(attempt, { baseMs: 1000, capMs: 30_000, random: nearlyOne }),
    );
    expect(delays).toEqual([999, 1999, 3999, 7999, 15_999, 29_999, 29_999, 29_999]);
  });

  it('is full jitter: uniform in [0, ceiling)', () => {
    expect(backoffDelay(3, { baseMs: 100, capMs: 10_000, random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { baseMs: 100, capMs: 10_000, random: () => 0.5 })).toBe(400);
    const samples = Array.from({ length: 2000 }, () => backoffDelay(4, { baseMs: 100, capMs: 10_000 }));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThan(1600);
    // Spread over the whole range, not clustered: each quarter gets a fair share.
    for (let q = 0; q < 4; q++) {
      const inQuarter = samples.filter((d) => d >= q * 400 && d < (q + 1) * 400).length;
      expect(inQuarter).toBeGreaterThan(350);
    }
    expect(new Set(samples).size).toBeGreaterThan(500);
  });
});

describe('Backoff', () => {
  it('counts attempts, restarts from the base after reset, and follows a new base', () => {
    const backoff = new Backoff({ baseMs: 50, capMs: 1000, random: () => 0.999_999 });
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([49, 99, 199]);
    backoff.reset();
    expect(backoff.next()).toBe(49);
    backoff.baseMs = 2000; // the server said retry: 2000
    expect(backoff.next()).toBe(999); // capped
  });
});
