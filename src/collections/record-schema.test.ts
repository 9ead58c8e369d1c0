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

describe('record schema messages, exactly', () => {
  const refusal = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      const e = err as SseHubError;
      return { code: e.code, message: e.message, details: e.details };
    }
    throw new Error('accepted');
  };

  it('names the source and the problem of an invalid schema', () => {
    expect(refusal(() => parseRecordSchema([], 'collections.tasks.schema'))).toMatchObject({
      code: 'INVALID_SCHEMA',
      message: 'Invalid collections.tasks.schema: a schema is a JSON object such as {"type": "object"}',
    });
    expect(refusal(() => parseRecordSchema(null)).message).toBe(
      'Invalid schema: a schema is a JSON object such as {"type": "object"}',
    );
    expect(refusal(() => parseRecordSchema({ type: 'array' })).message).toBe(
      'Invalid schema: the root must have "type": "object"',
    );
    expect(refusal(() => parseRecordSchema({ type: 'object', properties: { a: { type: 'nope' } } })).message).toMatch(
      /^Invalid schema \(JSON Schema draft 2020-12\): /,
    );
  });

  it('gives the field and the reason, for required, additional, enum and other keywords', () => {
    const schema = parseRecordSchema({
      type: 'object',
      properties: {
        kind: { enum: ['a', 'b'] },
        'x/y~z': { type: 'object', properties: { n: { type: 'number' } } },
      },
      required: ['kind'],
      additionalProperties: false,
    });
    expect(refusal(() => validateRecord(schema, {}))).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'kind: is required',
      details: { field: 'kind', reason: 'is required' },
    });
    expect(refusal(() => validateRecord(schema, { kind: 'a', extra: 1 })).message).toBe(
      'extra: is not allowed (additionalProperties: false)',
    );
    expect(refusal(() => validateRecord(schema, { kind: 'c' })).message).toBe('kind: must be one of ["a","b"]');
    // JSON pointer escapes (~1 for "/", ~0 for "~") are undone in the field name.
    expect(refusal(() => validateRecord(schema, { kind: 'a', 'x/y~z': { n: 'one' } })).message).toBe(
      'x/y~z.n: must be number',
    );
  });

  it('names the record itself when the root breaks the schema', () => {
    const schema = parseRecordSchema({ type: 'object', minProperties: 2 });
    expect(refusal(() => validateRecord(schema, { a: 1 })).details).toEqual({
      field: '(record)',
      reason: 'must NOT have fewer than 2 properties',
    });
  });

  it('validates against a schema object it has not compiled yet', () => {
    const schema = { type: 'object', required: ['a'] } as Parameters<typeof validateRecord>[0];
    expect(refusal(() => validateRecord(schema, {})).message).toBe('a: is required');
    validateRecord(schema, { a: 1 });
  });
});
