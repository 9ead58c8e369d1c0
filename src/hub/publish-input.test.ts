import { describe, expect, it } from 'vitest';
import { SseHubError } from '../errors.js';
import { type PublishLimits, toEventInput } from './publish-input.js';

const limits: PublishLimits = { maxEventBytes: 10, maxTopicsPerEvent: 3 };

/** The code and message a refused body gets. */
function refused(body: unknown, ownRoot?: string): { code: string; message: string } {
  try {
    toEventInput(body, limits, ownRoot);
  } catch (err) {
    if (err instanceof SseHubError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

describe('toEventInput', () => {
  it('turns a valid body into a log entry', () => {
    expect(toEventInput({ topic: 'a', data: 'hi' }, limits)).toEqual({ topics: ['a'], type: undefined, data: 'hi' });
    expect(toEventInput({ topic: ['a', 'b', 'a'], type: 'greet', data: { x: 1 } }, limits)).toEqual({
      topics: ['a', 'b'],
      type: 'greet',
      data: '{"x":1}',
    });
    expect(toEventInput({ topic: 'a', type: null, data: 7 }, limits)).toEqual({
      topics: ['a'],
      type: undefined,
      data: '7',
    });
  });

  it('refuses a body that is not a JSON object', () => {
    for (const body of ['text', null, [], 3, undefined]) {
      expect(refused(body)).toEqual({
        code: 'INVALID_BODY',
        message: 'The body must be a JSON object: {"topic": "...", "data": ...}',
      });
    }
  });

  it('refuses a missing or empty topic', () => {
    for (const topic of [undefined, null, []]) {
      const { code, message } = refused({ topic, data: 'x' });
      expect(code).toBe('MISSING_TOPIC');
      expect(message).toContain('"topic" field is required');
    }
  });

  it('takes at most maxTopicsPerEvent topics, counted before de-duplication', () => {
    expect(toEventInput({ topic: ['a', 'b', 'c'], data: 'x' }, limits).topics).toEqual(['a', 'b', 'c']);
    expect(refused({ topic: ['a', 'b', 'c', 'd'], data: 'x' })).toEqual({
      code: 'TOO_MANY_TOPICS',
      message: 'An event may go to at most 3 topics; got 4',
    });
    expect(refused({ topic: ['a', 'a', 'a', 'a'], data: 'x' }).code).toBe('TOO_MANY_TOPICS');
  });

  it('refuses invalid topics and wildcards', () => {
    expect(refused({ topic: 'a/*', data: 'x' }).code).toBe('INVALID_TOPIC');
    expect(refused({ topic: ['a', ''], data: 'x' }).code).toBe('INVALID_TOPIC');
    expect(refused({ topic: 5, data: 'x' }).code).toBe('INVALID_TOPIC');
  });

  it('refuses the reserved roots, naming the topic and why, except the adapter’s own root', () => {
    expect(refused({ topic: 'collections/tasks', data: 'x' })).toEqual({
      code: 'INVALID_TOPIC',
      message:
        'Topic "collections/tasks" is reserved: change events under "collections/" come only from writes to live collections',
    });
    expect(refused({ topic: ['ok', 'db'], data: 'x' })).toEqual({
      code: 'INVALID_TOPIC',
      message: 'Topic "db" is reserved: events under "db/" come only from change capture of PostgreSQL tables',
    });
    expect(refused({ topic: 'mercure/x', data: 'x' }).message).toContain('written only through the Mercure endpoint');
    expect(toEventInput({ topic: 'mercure/x', data: 'x' }, limits, 'mercure').topics).toEqual(['mercure/x']);
    expect(refused({ topic: ['mercure/x', 'db/t'], data: 'x' }, 'mercure').message).toContain('"db/t"');
    // Only the root itself and what is under it: a name that merely starts the same is free.
    expect(toEventInput({ topic: ['dbx', 'collectionsx/y', 'mercurey'], data: 'x' }, limits).topics).toHaveLength(3);
  });

  it('takes a type of 1 to 128 characters without line breaks, and not a control event type', () => {
    expect(toEventInput({ topic: 'a', type: 't'.repeat(128), data: 'x' }, limits).type).toHaveLength(128);
    const length = 'The "type" field must be a string of 1 to 128 characters';
    expect(refused({ topic: 'a', type: 't'.repeat(129), data: 'x' })).toEqual({
      code: 'INVALID_TYPE',
      message: length,
    });
    expect(refused({ topic: 'a', type: '', data: 'x' })).toEqual({ code: 'INVALID_TYPE', message: length });
    expect(refused({ topic: 'a', type: 3, data: 'x' })).toEqual({ code: 'INVALID_TYPE', message: length });
    for (const type of ['a\nb', 'a\rb', 'a\0b']) {
      expect(refused({ topic: 'a', type, data: 'x' })).toEqual({
        code: 'INVALID_TYPE',
        message: 'The "type" field must not contain CR, LF or NUL characters',
      });
    }
    for (const type of ['reset', 'snapshot', 'session']) {
      expect(refused({ topic: 'a', type, data: 'x' })).toEqual({
        code: 'RESERVED_TYPE',
        message: `The event type "${type}" is reserved: the hub sends it to steer clients, publishers cannot`,
      });
    }
  });

  it('requires non-empty data', () => {
    expect(refused({ topic: 'a' })).toEqual({ code: 'INVALID_DATA', message: 'The "data" field is required' });
    expect(refused({ topic: 'a', data: '' })).toEqual({
      code: 'INVALID_DATA',
      message: 'The "data" field must not be empty',
    });
    expect(toEventInput({ topic: 'a', data: null }, limits).data).toBe('null');
    expect(toEventInput({ topic: 'a', data: false }, limits).data).toBe('false');
  });

  it('refuses data nested too deep', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200; i++) deep = [deep];
    expect(refused({ topic: 'a', data: deep }).code).toBe('JSON_TOO_DEEP');
  });

  it('takes data of exactly maxEventBytes UTF-8 bytes, and refuses one byte more', () => {
    expect(toEventInput({ topic: 'a', data: 'x'.repeat(10) }, limits).data).toHaveLength(10);
    expect(toEventInput({ topic: 'a', data: 'é'.repeat(5) }, limits).data).toBe('ééééé');
    expect(refused({ topic: 'a', data: 'x'.repeat(11) })).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'The event data is 11 bytes; the limit is 10 bytes',
    });
    // Counted in bytes, not characters: 6 × 2 bytes.
    expect(refused({ topic: 'a', data: 'é'.repeat(6) }).message).toContain('12 bytes');
    expect(refused({ topic: 'a', data: { k: 'xxxxxxxx' } }).code).toBe('PAYLOAD_TOO_LARGE');
  });
});
