// @ts-nocheck
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
