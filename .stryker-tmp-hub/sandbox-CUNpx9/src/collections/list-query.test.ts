// @ts-nocheck
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
