// @ts-nocheck
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePattern } from '../protocol/topic.js';
import { overlapping, patternsOverlap, permitMatcher } from './rights.js';

/** Every topic of up to 4 segments over a, b, c and a fresh d: a witness of any overlap of the patterns below. */
const UNIVERSE = (() => {
  let level = [''];
  const all: string[] = [];
  for (let depth = 1; depth <= 4; depth++) {
    level = level.flatMap((prefix) => ['a', 'b', 'c', 'd'].map((s) => (prefix ? `${prefix}/${s}` : s)));
    all.push(...level);
  }
  return all;
})();

const pattern = fc
  .tuple(fc.array(fc.constantFrom('a', 'b', 'c', '*'), { minLength: 0, maxLength: 3 }), fc.boolean())
  .filter(([fixed, rest]) => fixed.length > 0 || rest)
  .map(([fixed, rest]) => [...fixed, ...(rest ? ['**'] : [])].join('/'));

describe('patternsOverlap', () => {
  it.each([
    ['chat/*', 'chat/a', true],
    ['chat/*', 'chat/a/b', false],
    ['chat/**', 'chat', true],
    ['chat/**', 'chat/a/b', true],
    ['*', 'a/**', true],
    ['a/*', 'a', false],
    ['a/*', '*/b', true],
    ['a/*/c', '*/b/*', true],
    ['a/*/c', '*/b/d', false],
    ['**', 'x/y/z', true],
    ['secret/*', 'chat/*', false],
    ['a/b', 'a/b/**', true],
    ['a/b/c', 'a/*', false],
  ])('%s and %s: %s', (a, b, expected) => {
    expect(patternsOverlap(a, b)).toBe(expected);
    expect(patternsOverlap(b, a)).toBe(expected);
  });

  it('is true exactly when some topic matches both (checked against every topic up to 4 segments)', () => {
    fc.assert(
      fc.property(pattern, pattern, (a, b) => {
        const ma = compilePattern(a);
        const mb = compilePattern(b);
        expect(patternsOverlap(a, b)).toBe(UNIVERSE.some((t) => ma(t) && mb(t)));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('overlapping and permitMatcher', () => {
  it('keeps the permitted patterns a request can reach', () => {
    expect(overlapping(['**'], ['chat/*', 'news'])).toEqual(['chat/*', 'news']);
    expect(overlapping(['chat/a'], ['chat/*', 'news'])).toEqual(['chat/*']);
    expect(overlapping(['secret/*'], ['chat/*'])).toEqual([]);
    expect(overlapping(['chat/*'], [])).toEqual([]);
  });

  it('permits every topic with **, none with no pattern, and the patterns otherwise', () => {
    expect(permitMatcher(['chat/*', '**'])).toBeUndefined();
    expect(permitMatcher([])?.('chat/a')).toBe(false);
    const permits = permitMatcher(['chat/*', 'news/**']);
    expect(['chat/a', 'chat/a/b', 'news', 'news/x/y', 'secret'].map((t) => permits?.(t))).toEqual([
      true,
      false,
      true,
      true,
      false,
    ]);
  });
});
