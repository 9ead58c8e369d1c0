// @ts-nocheck
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
