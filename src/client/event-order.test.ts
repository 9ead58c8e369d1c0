import { describe, expect, it } from 'vitest';
import { isNewer, parsePosition } from './event-order.js';

describe('event order', () => {
  it('parses <epoch>-<seq> ids, and nothing else', () => {
    expect(parsePosition('k2f9qa-1042')).toEqual({ epoch: 'k2f9qa', seq: 1042 });
    for (const id of ['', 'k2f9qa', 'K-1', 'a-1-2', ' a-1', 'a-1 ', 'a-x', '-1', 'a-']) {
      expect(parsePosition(id), id).toBeUndefined();
    }
  });

  it('orders ids of one epoch by seq, strictly', () => {
    expect(isNewer('e-2', 'e-1')).toBe(true);
    expect(isNewer('e-10', 'e-9')).toBe(true); // numerically, not as text
    expect(isNewer('e-1', 'e-1')).toBe(false);
    expect(isNewer('e-1', 'e-2')).toBe(false);
    expect(isNewer('e-9', 'e-10')).toBe(false);
  });

  it('takes every id as newer than nothing seen', () => {
    expect(isNewer('e-1', undefined)).toBe(true);
    expect(isNewer('e-1', '')).toBe(true);
  });

  it('takes ids of another epoch or of an unknown shape as newer, unless they are the same id', () => {
    expect(isNewer('f-1', 'e-5')).toBe(true);
    expect(isNewer('odd', 'e-5')).toBe(true);
    expect(isNewer('e-5', 'odd')).toBe(true);
    expect(isNewer('odd', 'odd')).toBe(false);
  });
});
