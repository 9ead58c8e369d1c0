import { describe, expect, it } from 'vitest';
import type { SseHubError } from '../errors.js';
import { parseRecordSchema, validateRecord } from './record-schema.js';

function failure(schema: unknown, data: Record<string, unknown>): { field?: unknown; code: string } | undefined {
  try {
    validateRecord(parseRecordSchema(schema), data);
    return undefined;
  } catch (err) {
    const e = err as SseHubError;
    return { code: e.code, field: e.details?.field };
  }
}

describe('record schema subset', () => {
  it('accepts records that match and names the first failing field', () => {
    const schema = {
      type: 'object',
      properties: {
        text: { type: 'string', minLength: 1, maxLength: 3 },
        n: { type: ['integer', 'null'], minimum: 1, maximum: 9 },
        x: { type: 'number' },
        tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] } },
        meta: {
          type: 'object',
          properties: { ok: { type: 'boolean' } },
          required: ['ok'],
          additionalProperties: false,
        },
      },
      required: ['text'],
    };
    expect(failure(schema, { text: 'abc', n: null, x: 1.5, tags: ['a'], meta: { ok: true }, free: 1 })).toBeUndefined();
    expect(failure(schema, { text: 'abcd' })).toEqual({ code: 'VALIDATION_FAILED', field: 'text' });
    expect(failure(schema, { text: '' })).toEqual({ code: 'VALIDATION_FAILED', field: 'text' });
    expect(failure(schema, { text: '😀😀😀' })).toBeUndefined(); // lengths count code points
    expect(failure(schema, { n: 1 })).toEqual({ code: 'VALIDATION_FAILED', field: 'text' });
    expect(failure(schema, { text: 'a', n: 1.5 })).toEqual({ code: 'VALIDATION_FAILED', field: 'n' });
    expect(failure(schema, { text: 'a', n: 10 })).toEqual({ code: 'VALIDATION_FAILED', field: 'n' });
    expect(failure(schema, { text: 'a', x: '1' })).toEqual({ code: 'VALIDATION_FAILED', field: 'x' });
    expect(failure(schema, { text: 'a', tags: ['a', 'c'] })).toEqual({ code: 'VALIDATION_FAILED', field: 'tags.1' });
    expect(failure(schema, { text: 'a', meta: {} })).toEqual({ code: 'VALIDATION_FAILED', field: 'meta.ok' });
    expect(failure(schema, { text: 'a', meta: { ok: true, y: 1 } })).toEqual({
      code: 'VALIDATION_FAILED',
      field: 'meta.y',
    });
    expect(failure(schema, { text: 'a', meta: [] })).toEqual({ code: 'VALIDATION_FAILED', field: 'meta' });
  });

  it('rejects schemas outside the subset', () => {
    for (const schema of [
      {},
      { type: 'string' },
      { type: 'object', pattern: '^a' },
      { type: 'object', properties: { a: { type: 'date' } } },
      { type: 'object', properties: { a: { format: 'email' } } },
      { type: 'object', required: ['a', 1] },
      { type: 'object', enum: [] },
      { type: 'object', minLength: -1 },
      'object',
      null,
    ]) {
      expect(() => parseRecordSchema(schema), JSON.stringify(schema)).toThrowError(
        expect.objectContaining({ code: 'INVALID_SCHEMA' }),
      );
    }
  });
});
