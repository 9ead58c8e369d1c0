// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { assertJsonTextDepth, assertValueDepth, MAX_JSON_DEPTH } from './json-depth.js';

const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
const code = (fn: () => void) => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

describe('JSON depth bound', () => {
  it('accepts text up to the bound and refuses one level more, before parsing', () => {
    expect(code(() => assertJsonTextDepth(nested(MAX_JSON_DEPTH)))).toBeUndefined();
    expect(code(() => assertJsonTextDepth(nested(MAX_JSON_DEPTH + 1)))).toBe('JSON_TOO_DEEP');
    expect(code(() => assertJsonTextDepth(nested(100_000)))).toBe('JSON_TOO_DEEP');
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ s: `\\"${'['.repeat(1000)}`, t: '{'.repeat(1000) });
    expect(code(() => assertJsonTextDepth(text))).toBeUndefined();
  });

  it('measures values the same way as text, and ends cycles as too deep', () => {
    expect(code(() => assertValueDepth(JSON.parse(nested(MAX_JSON_DEPTH))))).toBeUndefined();
    expect(code(() => assertValueDepth(JSON.parse(nested(MAX_JSON_DEPTH + 1))))).toBe('JSON_TOO_DEEP');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(code(() => assertValueDepth(cycle))).toBe('JSON_TOO_DEEP');
    // A shared object reached shallow first and deep later is measured at the deep place.
    const shared = JSON.parse(nested(MAX_JSON_DEPTH - 2));
    expect(code(() => assertValueDepth([shared, [[[shared]]]]))).toBe('JSON_TOO_DEEP');
  });
});
