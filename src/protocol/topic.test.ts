import { describe, expect, it } from 'vitest';
import { assertTopic, assertTopicPattern, compilePattern, compilePatterns } from './topic.js';

describe('topics', () => {
  it.each(['chat', 'chat/room-1', 'orders/2024/eu', 'a.b:c@d~e', 'ünïcode/名前'])('accepts %s', (t) => {
    expect(assertTopic(t)).toBe(t);
  });

  it.each([
    ['', /non-empty/],
    ['a//b', /invalid segment/],
    ['/a', /invalid segment/],
    ['a/', /invalid segment/],
    ['a b', /invalid segment/],
    ['a/*', /wildcard/],
    ['orders/**', /wildcard/],
    ['x'.repeat(257), /longer than 256/],
  ])('refuses %j to publish', (t, message) => {
    expect(() => assertTopic(t)).toThrow(message);
  });

  it('refuses non-strings', () => {
    expect(() => assertTopic(42)).toThrow(/non-empty string/);
  });

  it('allows wildcards in patterns, ** only last', () => {
    expect(assertTopicPattern('chat/*')).toBe('chat/*');
    expect(assertTopicPattern('orders/**')).toBe('orders/**');
    expect(() => assertTopicPattern('**/x')).toThrow(/last segment/);
    expect(() => assertTopicPattern('a*b')).toThrow(/invalid segment/);
  });

  it('* matches exactly one segment', () => {
    const m = compilePattern('chat/*');
    expect(m('chat/a')).toBe(true);
    expect(m('chat')).toBe(false);
    expect(m('chat/a/b')).toBe(false);
    expect(m('other/a')).toBe(false);
  });

  it('** matches any rest, including none', () => {
    const m = compilePattern('orders/**');
    expect(m('orders')).toBe(true);
    expect(m('orders/1')).toBe(true);
    expect(m('orders/1/lines/2')).toBe(true);
    expect(m('ordersx')).toBe(false);
    expect(compilePattern('**')('anything/at/all')).toBe(true);
  });

  it('a*-pattern in the middle works with a rest', () => {
    const m = compilePattern('a/*/c/**');
    expect(m('a/b/c')).toBe(true);
    expect(m('a/b/c/d/e')).toBe(true);
    expect(m('a/b/x/d')).toBe(false);
  });

  it('combines several patterns', () => {
    const m = compilePatterns(['a', 'b/*']);
    expect(m('a')).toBe(true);
    expect(m('b/1')).toBe(true);
    expect(m('c')).toBe(false);
  });
});

describe('topics, exactly', () => {
  const message = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return { code: (err as { code: string }).code, message: (err as Error).message };
    }
    throw new Error('accepted');
  };

  it('takes topics of exactly 256 characters, and names a longer one cut at 80', () => {
    expect(assertTopic('x'.repeat(256))).toHaveLength(256);
    expect(message(() => assertTopic('y'.repeat(257)))).toEqual({
      code: 'INVALID_TOPIC',
      message: `Topic "${'y'.repeat(80)}…" is longer than 256 characters`,
    });
  });

  it('shows a topic of up to 80 characters whole in a refusal', () => {
    expect(message(() => assertTopic(`${'z'.repeat(78)} a`)).message).toBe(
      `Topic "${'z'.repeat(78)} a" has an invalid segment: segments are non-empty and contain no whitespace, "*", "/" or NUL`,
    );
    expect(message(() => assertTopic(`${'z'.repeat(79)} a`)).message).toContain(`"${'z'.repeat(79)} …"`);
    expect(message(() => assertTopic('a b')).code).toBe('INVALID_TOPIC');
  });

  it('refuses the empty topic as such', () => {
    expect(message(() => assertTopic(''))).toEqual({
      code: 'INVALID_TOPIC',
      message: 'A topic must be a non-empty string',
    });
  });

  it('allows * in any segment of a pattern', () => {
    expect(assertTopicPattern('*/b/*')).toBe('*/b/*');
    expect(assertTopicPattern('a/*/**')).toBe('a/*/**');
  });

  it('matches * against exactly one segment, never fewer or more', () => {
    const match = compilePattern('a/*');
    expect(match('a/b')).toBe(true);
    expect(match('a')).toBe(false);
    expect(match('a/b/c')).toBe(false);
  });

  it('needs every fixed segment before a ** that follows a *', () => {
    const match = compilePattern('a/*/**');
    expect(match('a')).toBe(false);
    expect(match('a/b')).toBe(true);
    expect(match('a/b/c/d')).toBe(true);
    expect(match('b/c')).toBe(false);
  });

  it('matches a multi-segment prefix with **', () => {
    const match = compilePattern('a/b/**');
    expect(match('a/b')).toBe(true);
    expect(match('a/b/c/d')).toBe(true);
    expect(match('a/bc')).toBe(false);
    expect(match('ab')).toBe(false);
  });
});
