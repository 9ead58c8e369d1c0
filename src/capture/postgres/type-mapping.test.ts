import { describe, expect, it } from 'vitest';
import { compareLsn, lsnBefore } from './checkpoint.js';
import { textMapper } from './type-mapping.js';

describe('pgoutput text values to JSON', () => {
  it('keeps timestamps as ISO 8601 with their offset, and special values as PostgreSQL writes them', () => {
    const tstz = textMapper(1184);
    expect(tstz('2024-02-29 12:34:56.123456+00')).toBe('2024-02-29T12:34:56.123456Z');
    expect(tstz('2024-02-29 12:34:56+05:30')).toBe('2024-02-29T12:34:56+05:30');
    expect(tstz('2024-02-29 12:34:56-08')).toBe('2024-02-29T12:34:56-08:00');
    expect(tstz('infinity')).toBe('infinity');
    expect(tstz('0044-03-15 12:00:00+00 BC')).toBe('0044-03-15 12:00:00+00 BC');
    expect(textMapper(1114)('2024-02-29 12:34:56')).toBe('2024-02-29T12:34:56');
  });

  it('maps numbers without losing precision', () => {
    expect(textMapper(20)('9223372036854775807')).toBe('9223372036854775807');
    expect(textMapper(1700)('0.1000000000000000000001')).toBe('0.1000000000000000000001');
    expect(textMapper(23)('-2147483648')).toBe(-2147483648);
    expect(textMapper(701)('NaN')).toBe('NaN');
    expect(textMapper(701)('-Infinity')).toBe('-Infinity');
    expect(textMapper(700)('1.5')).toBe(1.5);
  });

  it('maps bytea to base64, json to values, booleans to booleans', () => {
    expect(textMapper(17)('\\x00ff')).toBe('AP8=');
    expect(textMapper(3802)('{"a": [1, null]}')).toEqual({ a: [1, null] });
    expect(textMapper(16)('t')).toBe(true);
    expect(textMapper(16)('f')).toBe(false);
    expect(textMapper(2950)('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
  });
});

describe('LSNs', () => {
  it('compares across the 32-bit boundary and steps back one byte', () => {
    expect(compareLsn('1/0', '0/FFFFFFFF')).toBe(1);
    expect(compareLsn('0/16B3748', '0/16B3748')).toBe(0);
    expect(lsnBefore('1/0')).toBe('0/FFFFFFFF');
    expect(lsnBefore('0/16B3748')).toBe('0/16B3747');
  });
});
