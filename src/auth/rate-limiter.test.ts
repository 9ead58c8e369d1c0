import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

function clock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('RateLimiter', () => {
  it('allows a burst, then one action per 1/rate seconds, and says how long to wait', () => {
    const c = clock();
    const limiter = new RateLimiter({ perSecond: 2, burst: 3 }, c.now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(500);
    c.advance(200);
    expect(limiter.take('a')).toBe(300); // a refused attempt takes nothing
    c.advance(300);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(500);
  });

  it('takes a batch whole or not at all, and refuses for good a batch over the burst', () => {
    const c = clock();
    const limiter = new RateLimiter({ perSecond: 10, burst: 5 }, c.now);
    expect(limiter.take('a', 3)).toBe(0);
    expect(limiter.take('a', 3)).toBe(100); // 2 left: wait for the third, take none now
    expect(limiter.take('a', 2)).toBe(0);
    expect(limiter.take('a', 6)).toBe(Number.POSITIVE_INFINITY);
    c.advance(500);
    expect(limiter.take('a', 5)).toBe(0);
  });

  it('keeps identities apart', () => {
    const c = clock();
    const limiter = new RateLimiter({ perSecond: 1, burst: 1 }, c.now);
    expect(limiter.take('alice')).toBe(0);
    expect(limiter.take('alice')).toBe(1000);
    expect(limiter.take('bob')).toBe(0);
  });

  it('refills to the burst and no further', () => {
    const c = clock();
    const limiter = new RateLimiter({ perSecond: 10, burst: 2 }, c.now);
    limiter.take('a');
    limiter.take('a');
    c.advance(60_000);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 100]);
  });

  it('forgets identities whose bucket refilled (bounded memory)', () => {
    const c = clock();
    const limiter = new RateLimiter({ perSecond: 10, burst: 5 }, c.now); // refills in 500 ms
    for (let i = 0; i < 1000; i++) limiter.take(`ip-${i}`);
    expect(limiter.size).toBe(1000);
    c.advance(500);
    limiter.take('late');
    expect(limiter.size).toBe(1);
    // An identity still draining is kept, with its level.
    for (let i = 0; i < 5; i++) limiter.take('busy');
    c.advance(499);
    expect(limiter.take('busy')).toBe(0);
    c.advance(1);
    limiter.take('other');
    expect(limiter.size).toBeGreaterThanOrEqual(2);
    expect(limiter.take('busy')).toBe(0);
  });

  it('never answers a wait below 1 ms', () => {
    const c = clock();
    const limiter = new RateLimiter({ perSecond: 1_000_000, burst: 1 }, c.now);
    limiter.take('a');
    expect(limiter.take('a')).toBe(1);
  });

  it('rejects a bad limit', () => {
    expect(() => new RateLimiter({ perSecond: 0, burst: 1 })).toThrow(RangeError);
    expect(() => new RateLimiter({ perSecond: 1, burst: 0.5 })).toThrow(RangeError);
  });
});
