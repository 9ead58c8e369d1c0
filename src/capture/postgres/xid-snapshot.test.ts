import { describe, expect, it } from 'vitest';
import { parseXidSnapshot, snapshotHolds } from './xid-snapshot.js';

describe('PostgreSQL snapshot visibility of 32-bit xids', () => {
  it('holds committed xids below xmin, and below xmax unless they were running', () => {
    const snapshot = parseXidSnapshot('100:105:100,103');
    expect(snapshotHolds(snapshot, 99)).toBe(true);
    expect(snapshotHolds(snapshot, 100)).toBe(false); // running when taken
    expect(snapshotHolds(snapshot, 101)).toBe(true);
    expect(snapshotHolds(snapshot, 103)).toBe(false);
    expect(snapshotHolds(snapshot, 104)).toBe(true);
    expect(snapshotHolds(snapshot, 105)).toBe(false); // started after
    expect(snapshotHolds(snapshot, 106)).toBe(false);
  });

  it('compares across the 32-bit wrap, with xid8 epochs cut off', () => {
    // Epoch 1, xids around 2^32: pgoutput sends the low 32 bits.
    const base = 2n ** 32n;
    const snapshot = parseXidSnapshot(`${base - 5n}:${base + 3n}:${base + 1n}`);
    expect(snapshotHolds(snapshot, 2 ** 32 - 6)).toBe(true);
    expect(snapshotHolds(snapshot, 2 ** 32 - 2)).toBe(true);
    expect(snapshotHolds(snapshot, 0)).toBe(true);
    expect(snapshotHolds(snapshot, 1)).toBe(false);
    expect(snapshotHolds(snapshot, 2)).toBe(true);
    expect(snapshotHolds(snapshot, 3)).toBe(false);
  });
});
