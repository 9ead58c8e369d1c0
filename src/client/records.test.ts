import { describe, expect, it } from 'vitest';
import { appendWhere, type HubRecord, matchesWhere } from './records.js';

const record = (data: unknown): HubRecord<unknown> => ({ id: 'r', data, version: 1, createdAt: 0, updatedAt: 0 });

describe('matchesWhere', () => {
  it('matches everything without a filter', () => {
    expect(matchesWhere(record({ a: 1 }), undefined)).toBe(true);
    expect(matchesWhere(record({ a: 1 }), {})).toBe(true);
  });

  it('needs every field present with a JSON-equal value', () => {
    const r = record({ author: 'ada', n: 3, done: false, none: null });
    expect(matchesWhere(r, { author: 'ada', n: 3 })).toBe(true);
    expect(matchesWhere(r, { done: false, none: null })).toBe(true);
    expect(matchesWhere(r, { n: '3' })).toBe(false);
    expect(matchesWhere(r, { author: 'ada', n: 4 })).toBe(false);
    expect(matchesWhere(r, { missing: null })).toBe(false);
    expect(matchesWhere(record(Object.create({ inherited: 1 })), { inherited: 1 })).toBe(false);
  });

  it('matches data that is not an object only with an empty filter', () => {
    for (const data of [null, 'text', 3]) {
      expect(matchesWhere(record(data), {})).toBe(true);
      expect(matchesWhere(record(data), { a: 1 })).toBe(false);
    }
  });
});

describe('appendWhere', () => {
  const params = (where: Parameters<typeof appendWhere>[1]) => {
    const url = new URL('http://hub/collections/x/records');
    appendWhere(url, where);
    return [...url.searchParams];
  };

  it('adds nothing without a filter', () => {
    expect(params(undefined)).toEqual([]);
  });

  it('sends non-strings as JSON, plain strings as they are, and strings that would parse quoted', () => {
    expect(params({ n: 3, done: true, none: null, room: 'general', s: '3', t: 'true', q: '"x"' })).toEqual([
      ['where.n', '3'],
      ['where.done', 'true'],
      ['where.none', 'null'],
      ['where.room', 'general'],
      ['where.s', '"3"'],
      ['where.t', '"true"'],
      ['where.q', '"\\"x\\""'],
    ]);
  });
});
