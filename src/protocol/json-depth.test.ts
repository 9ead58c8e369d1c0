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

describe('JSON depth bound, exactly', () => {
  it('names the bound in its refusal', () => {
    try {
      assertJsonTextDepth(nested(3), 2);
      throw new Error('accepted');
    } catch (err) {
      expect(err).toMatchObject({
        code: 'JSON_TOO_DEEP',
        message: 'JSON nested deeper than 2 levels is refused',
        details: { maxDepth: 2 },
      });
    }
  });

  it('counts objects as well as arrays, and closing brackets of both', () => {
    expect(code(() => assertJsonTextDepth('{"a":{"b":1}}', 2))).toBeUndefined();
    expect(code(() => assertJsonTextDepth('{"a":{"b":{"c":1}}}', 2))).toBe('JSON_TOO_DEEP');
    // Many siblings at depth 2: each closes before the next opens.
    expect(code(() => assertJsonTextDepth(`[${'[1],{},'.repeat(50)}[]]`, 2))).toBeUndefined();
  });

  it('counts again after a string ends, whatever the string held', () => {
    for (const str of ['"ab"', '"a\\"b"', '"\\\\"', '"[{"', '""']) {
      expect(
        code(() => assertJsonTextDepth(`${str}[[[1]]]`, 2)),
        str,
      ).toBe('JSON_TOO_DEEP');
      expect(
        code(() => assertJsonTextDepth(`[${str},[1]]`, 2)),
        str,
      ).toBeUndefined();
    }
  });

  it('walks a value shared many times once per depth (a DAG does not cost 2^depth)', () => {
    let level: unknown = 1;
    for (let i = 0; i < 60; i++) level = { left: level, right: level };
    expect(code(() => assertValueDepth(level))).toBeUndefined();
  });
});
