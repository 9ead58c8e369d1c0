import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, parseListQuery } from './list-query.js';

const parse = (query: string) => parseListQuery(new URLSearchParams(query));

describe('list query', () => {
  it('parses limit, cursor and JSON-or-string where values', () => {
    expect(parse('')).toEqual({ limit: 100, afterId: undefined, where: {} });
    expect(parse(`limit=1000&cursor=${encodeCursor('01ABC')}&where.room=general&where.n=3&where.done=true`)).toEqual({
      limit: 1000,
      afterId: '01ABC',
      where: { room: 'general', n: 3, done: true },
    });
    expect(parse('where.s=%223%22&where.z=null&where.o=%7B%22a%22%3A1%7D').where).toEqual({
      s: '3',
      z: null,
      o: { a: 1 },
    });
  });

  it('rejects limits out of range, foreign cursors and odd field names', () => {
    for (const query of ['limit=0', 'limit=1001', 'limit=-1', 'limit=1.5', 'limit=', 'cursor=abc', 'where.a.b=1']) {
      expect(() => parse(query), query).toThrowError(expect.objectContaining({ code: 'INVALID_QUERY' }));
    }
    expect(() => decodeCursor(`c1.${Buffer.from('no spaces').toString('base64url')}`)).toThrow();
  });
});

describe('list query bounds and messages', () => {
  const refused = (query: string) => {
    try {
      parse(query);
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error(`accepted ${query}`);
  };

  it('takes limits from 1 to 1000, up to 7 digits, and names a bad one', () => {
    expect(parse('limit=1').limit).toBe(1);
    expect(parse('limit=0001000').limit).toBe(1000);
    expect(refused('limit=12345678')).toBe('limit must be an integer from 1 to 1000; got "12345678"');
    expect(refused('limit=x1')).toBe('limit must be an integer from 1 to 1000; got "x1"');
    expect(refused(`limit=${'9'.repeat(50)}`)).toContain(`got "${'9'.repeat(40)}"`);
    expect(refused('limit=1x')).toContain('got "1x"');
  });

  it('takes an empty cursor as none, and only cursors it gave out', () => {
    expect(parse('cursor=').afterId).toBeUndefined();
    expect(decodeCursor(encodeCursor('r-1_A'))).toBe('r-1_A');
    expect(encodeCursor('abc')).toBe(`c1.${Buffer.from('abc').toString('base64url')}`);
    expect(refused(`cursor=c2.${Buffer.from('abc').toString('base64url')}`)).toBe(
      'cursor is not one this server gave out; pass nextCursor unchanged',
    );
    expect(refused('cursor=c1.')).toContain('not one this server gave out');
    expect(refused(`cursor=x${encodeCursor('abc')}`)).toContain('not one this server gave out');
  });

  it('refuses a field given twice, an odd field name and JSON nested too deep, naming them', () => {
    expect(refused('where.a=1&where.a=2')).toBe('where.a is given twice; each field takes one value');
    expect(refused('where.a%20b=1')).toBe(
      'where.a b: filter fields match ^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$ (top-level fields only)',
    );
    expect(parse(`where.${'f'.repeat(64)}=1`).where).toEqual({ ['f'.repeat(64)]: 1 });
    expect(refused(`where.${'f'.repeat(65)}=1`)).toContain('filter fields match');
    expect(refused(`where.${'g'.repeat(100)}=1`)).toContain(`where.${'g'.repeat(80)}:`);
    expect(() => parse(`where.a=${'['.repeat(200)}`)).toThrowError(expect.objectContaining({ code: 'JSON_TOO_DEEP' }));
  });

  it('ignores parameters that are not filters, and keeps __proto__ as a plain field', () => {
    expect(parse('other=1&whereabouts=2').where).toEqual({});
    const where = parse('where.__proto__=1').where;
    expect(Object.keys(where)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(where)).toBeNull();
  });
});
