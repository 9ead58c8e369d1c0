import { describe, expect, it } from 'vitest';
import { lastRecordEnd } from './wal-position.js';

const row = (at: bigint) => ({ at: String(at), page: '8192', segment: String(16n * 1024n * 1024n) });

describe('lastRecordEnd', () => {
  it('keeps a position inside a page', () => {
    expect(lastRecordEnd(row(0x1d745b0n))).toBe('0/1D745B0');
    // 40 bytes into a page that does not start a segment is a record end (24-byte header + 16).
    expect(lastRecordEnd(row(8192n * 5n + 40n))).toBe('0/A028');
  });

  it('takes off the header of a page the next record would start on', () => {
    expect(lastRecordEnd(row(8192n * 5n + 24n))).toBe('0/A000');
    // The first page of a segment has the long header.
    expect(lastRecordEnd(row(16n * 1024n * 1024n * 3n + 40n))).toBe('0/3000000');
  });

  it('writes the high 32 bits before the slash', () => {
    expect(lastRecordEnd(row((0x2n << 32n) + 0x1234n))).toBe('2/1234');
  });
});
