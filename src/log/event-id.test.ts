import { describe, expect, it } from 'vitest';
import { formatEventId, newEpoch, parseEventId } from './event-id.js';

describe('event ids', () => {
  it('format as <epoch>-<seq> and parse back', () => {
    expect(formatEventId('k2f9qa', 1042)).toBe('k2f9qa-1042');
    expect(parseEventId('k2f9qa-1042')).toEqual({ epoch: 'k2f9qa', seq: 1042 });
    expect(parseEventId('0-0')).toEqual({ epoch: '0', seq: 0 });
  });

  it('parse epochs of 1 to 32 base-36 characters and seqs of 1 to 16 digits, nothing else', () => {
    expect(parseEventId(`${'a'.repeat(32)}-1`)?.epoch).toHaveLength(32);
    expect(parseEventId(`${'a'.repeat(33)}-1`)).toBeUndefined();
    expect(parseEventId(`a-${'1'.repeat(15)}`)?.seq).toBe(111111111111111);
    for (const id of [
      '',
      '-1',
      'a-',
      'A-1',
      'a_b-1',
      'a-1x',
      'xa-1 ',
      ' a-1',
      'a-1-2',
      'a--1',
      'a-1.5',
      `a-${'1'.repeat(17)}`,
      'a-\n1',
    ]) {
      expect(parseEventId(id), id).toBeUndefined();
    }
  });

  it('refuse a seq beyond the safe integers', () => {
    expect(parseEventId('a-9007199254740991')?.seq).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseEventId('a-9007199254740992')).toBeUndefined();
    expect(parseEventId('a-9999999999999999')).toBeUndefined();
  });

  // 200 epochs: about 1 in 36 is below 36^7, so an epoch that was not zero-padded shows up.
  it('get a fresh 8-character base-36 epoch, different each time', () => {
    const epochs = new Set(Array.from({ length: 200 }, () => newEpoch()));
    expect(epochs.size).toBe(200);
    for (const epoch of epochs) {
      expect(epoch).toMatch(/^[0-9a-z]{8}$/);
      expect(parseEventId(formatEventId(epoch, 1))).toEqual({ epoch, seq: 1 });
    }
  });
});
