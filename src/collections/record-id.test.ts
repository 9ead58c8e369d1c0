import { describe, expect, it } from 'vitest';
import { RECORD_ID } from './names.js';
import { RecordIdGenerator } from './record-id.js';

describe('record ids', () => {
  it('are URL-safe and strictly increasing, within one millisecond and if the clock steps back', () => {
    const ids = new RecordIdGenerator();
    const made: string[] = [];
    for (let i = 0; i < 1000; i++) made.push(ids.next(1_700_000_000_000 - (i % 3) * 1000));
    for (const id of made) expect(id).toMatch(RECORD_ID);
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
  });

  it('sort after a given floor and by time across generators', () => {
    const floor = new RecordIdGenerator().next(2_000_000_000_000);
    const next = new RecordIdGenerator().next(1_000_000_000_000, floor);
    expect(next > floor).toBe(true);
    expect(new RecordIdGenerator().next(1_000) < new RecordIdGenerator().next(2_000)).toBe(true);
  });
});

describe('record id layout', () => {
  it('is 10 characters of time then 16 random ones, in Crockford base 32', () => {
    const id = new RecordIdGenerator().next(0);
    expect(id).toMatch(/^0{10}[0-9A-HJKMNP-TV-Z]{16}$/);
    expect(new RecordIdGenerator().next(32).slice(0, 10)).toBe('0000000010');
    expect(new RecordIdGenerator().next(31).slice(0, 10)).toBe('000000000Z');
    expect(new RecordIdGenerator().next(1_700_000_000_000.9).slice(0, 10)).toBe(
      new RecordIdGenerator().next(1_700_000_000_000).slice(0, 10),
    );
    expect(new RecordIdGenerator().next(-5).slice(0, 10)).toBe('0000000000');
  });

  it('uses the whole alphabet for the random part', () => {
    const seen = new Set<string>();
    const ids = new RecordIdGenerator();
    for (let i = 0; i < 200; i++) for (const c of ids.next(i * 1000).slice(10)) seen.add(c);
    expect(seen.size).toBe(32);
  });

  it('increments the floor by one in sort order, carrying into the time part', () => {
    const floor = `${'0'.repeat(9)}1${'Z'.repeat(16)}`;
    expect(new RecordIdGenerator().next(0, floor)).toBe(`${'0'.repeat(9)}2${'0'.repeat(16)}`);
    const next = new RecordIdGenerator().next(0, `${'0'.repeat(10)}${'Z'.repeat(15)}Y`);
    expect(next).toBe(`${'0'.repeat(10)}${'Z'.repeat(16)}`);
  });

  it('ignores a floor that is not a record id of this format, and one below its own last id', () => {
    const ids = new RecordIdGenerator();
    const id = ids.next(1_000_000, 'zzz'); // lower-case: not a ULID, so no increment from it
    expect(id.slice(0, 10)).toBe(new RecordIdGenerator().next(1_000_000).slice(0, 10));
    const later = ids.next(5_000_000);
    expect(ids.next(1_000, id) > later).toBe(true);
  });

  it('throws once the id space is exhausted', () => {
    expect(() => new RecordIdGenerator().next(0, 'Z'.repeat(26))).toThrow('record id space exhausted');
  });
});
