// @ts-nocheck
import { describe, expect, it } from 'vitest';
import type { SseHubError } from '../errors.js';
import { parseRecordSchema, validateRecord } from './record-schema.js';

function failure(
  schema: unknown,
  data: Record<string, unknown>,
): { field?: unknown; code: string; message: string } | undefined {
  try {
    validateRecord(parseRecordSchema(schema), data);
    return undefined;
  } catch (err) {
    const e = err as SseHubError;
    return { code: e.code, field: e.details?.field, message: e.message };
  }
}

const field = (f: string) => expect.objectContaining({ code: 'VALIDATION_FAILED', field: f });

describe('record schemas (JSON Schema draft 2020-12 through ajv)', () => {
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
    expect(failure(schema, { text: 'abcd' })).toEqual(field('text'));
    expect(failure(schema, { text: '' })).toEqual(field('text'));
    expect(failure(schema, { text: '😀😀😀' })).toBeUndefined(); // lengths count code points
    expect(failure(schema, { n: 1 })).toEqual(field('text'));
    expect(failure(schema, { text: 'a', n: 1.5 })).toEqual(field('n'));
    expect(failure(schema, { text: 'a', n: 10 })).toEqual(field('n'));
    expect(failure(schema, { text: 'a', x: '1' })).toEqual(field('x'));
    expect(failure(schema, { text: 'a', tags: ['a', 'c'] })).toEqual(field('tags.1'));
    expect(failure(schema, { text: 'a', meta: {} })).toEqual(field('meta.ok'));
    expect(failure(schema, { text: 'a', meta: { ok: true, y: 1 } })).toEqual(field('meta.y'));
    expect(failure(schema, { text: 'a', meta: [] })).toEqual(field('meta'));
    expect(failure(schema, { text: 'a', x: '1' })?.message).toBe('x: must be number');
  });

  it('supports pattern, format, oneOf and $ref', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      $defs: { handle: { type: 'string', pattern: '^@[a-z]+$' } },
      properties: {
        author: { $ref: '#/$defs/handle' },
        email: { type: 'string', format: 'email' },
        at: { type: 'string', format: 'date-time' },
        body: {
          oneOf: [
            {
              type: 'object',
              properties: { kind: { const: 'text' }, text: { type: 'string' } },
              required: ['kind', 'text'],
            },
            {
              type: 'object',
              properties: { kind: { const: 'link' }, url: { type: 'string', format: 'uri' } },
              required: ['kind', 'url'],
            },
          ],
        },
      },
    };
    const ok = {
      author: '@ada',
      email: 'ada@example.org',
      at: '2026-11-25T10:00:00Z',
      body: { kind: 'link', url: 'https://example.org/x' },
    };
    expect(failure(schema, ok)).toBeUndefined();
    expect(failure(schema, { ...ok, author: 'ada' })).toEqual(field('author'));
    expect(failure(schema, { ...ok, email: 'not an address' })).toEqual(field('email'));
    expect(failure(schema, { ...ok, at: 'yesterday' })).toEqual(field('at'));
    expect(failure(schema, { ...ok, body: { kind: 'link', url: 3 } })).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(failure(schema, { ...ok, body: { kind: 'video' } })).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('rejects invalid schemas, unknown keywords and formats, and unresolvable references', () => {
    for (const schema of [
      {},
      { type: 'string' },
      { type: 'object', properties: { a: { type: 'date' } } },
      { type: 'object', properties: { a: { type: 'string', format: 'no-such-format' } } },
      { type: 'object', properties: { a: { $ref: 'https://example.org/remote.json' } } },
      { type: 'object', properties: { a: { $ref: '#/$defs/missing' } } },
      { type: 'object', required: ['a', 1] },
      { type: 'object', enum: [] },
      { type: 'object', minLength: -1 },
      { type: 'object', madeUpKeyword: true },
      { type: 'object', properties: { a: { pattern: '(' } } },
      'object',
      null,
    ]) {
      expect(() => parseRecordSchema(schema), JSON.stringify(schema)).toThrowError(
        expect.objectContaining({ code: 'INVALID_SCHEMA' }),
      );
    }
  });

  it('compiles a schema read back from storage on first use', () => {
    const stored = JSON.parse('{"type":"object","properties":{"n":{"type":"integer"}}}');
    expect(() => validateRecord(stored, { n: 'x' })).toThrowError(
      expect.objectContaining({ details: expect.objectContaining({ field: 'n' }) }),
    );
  });
});
