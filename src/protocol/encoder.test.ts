import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseHubError } from '../errors.js';
import { encodeComment, encodeMessage } from './encoder.js';
import { type ParsedEvent, SseParser } from './parser.js';

function parseAll(text: string | Uint8Array[]): { events: ParsedEvent[]; retries: number[] } {
  const events: ParsedEvent[] = [];
  const retries: number[] = [];
  const parser = new SseParser({ onEvent: (e) => events.push(e), onRetry: (r) => retries.push(r) });
  for (const chunk of typeof text === 'string' ? [text] : text) parser.feed(chunk);
  return { events, retries };
}

describe('encodeMessage', () => {
  it('writes id, event and data fields and ends with a blank line', () => {
    expect(encodeMessage({ id: 'e-1', event: 'greeting', data: 'hello' })).toBe(
      'id: e-1\nevent: greeting\ndata: hello\n\n',
    );
  });

  it('splits data on LF, CR and CRLF into several data lines', () => {
    expect(encodeMessage({ data: 'a\nb\rc\r\nd' })).toBe('data: a\ndata: b\ndata: c\ndata: d\n\n');
  });

  it('keeps a trailing line break as an empty data line', () => {
    expect(parseAll(encodeMessage({ data: 'x\n' })).events[0]?.data).toBe('x\n');
  });

  it('writes retry first', () => {
    expect(encodeMessage({ retry: 1500 })).toBe('retry: 1500\n\n');
  });

  it.each([
    ['id', { id: 'a\nb' }],
    ['id', { id: 'a\rb' }],
    ['id', { id: 'a\0b' }],
    ['event', { event: 'x\ny' }],
    ['event', { event: 'x\r' }],
    ['event', { event: '\0' }],
  ])('refuses CR, LF and NUL in %s instead of writing a broken frame', (_field, message) => {
    expect(() => encodeMessage(message)).toThrow(SseHubError);
    try {
      encodeMessage(message);
    } catch (err) {
      expect((err as SseHubError).code).toBe('INVALID_FIELD');
    }
  });

  it('refuses a negative or fractional retry', () => {
    expect(() => encodeMessage({ retry: -1 })).toThrow(/retry/);
    expect(() => encodeMessage({ retry: 1.5 })).toThrow(/retry/);
  });

  it('encodes comments that clients ignore', () => {
    expect(encodeComment()).toEqual(Buffer.from(':\n\n'));
    const parsed = parseAll(encodeComment('ping\nline two').toString());
    expect(parsed.events).toEqual([]);
  });
});

describe('encode then parse (property)', () => {
  const fieldValue = fc.string({ unit: 'binary' }).filter((s) => !/[\r\n\0]/.test(s));
  const message = fc.record({
    id: fc.option(fieldValue, { nil: undefined }),
    event: fc.option(
      fieldValue.filter((s) => s.length > 0),
      { nil: undefined },
    ),
    data: fc.string({ unit: 'binary' }),
  });

  it('returns the same events for arbitrary strings, in any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 17 }),
        (messages, step) => {
          const bytes = Buffer.from(messages.map((m) => encodeMessage(m)).join(''), 'utf8');
          const chunks: Uint8Array[] = [];
          for (let i = 0; i < bytes.length; i += step) chunks.push(bytes.subarray(i, i + step));
          const { events } = parseAll(chunks);
          let lastId = '';
          const expected = messages.map((m) => {
            if (m.id !== undefined) lastId = m.id;
            // Lone surrogates cannot survive UTF-8; compare with what UTF-8 can carry.
            const utf8 = (s: string) => Buffer.from(s, 'utf8').toString('utf8');
            return {
              type: m.event === undefined ? 'message' : utf8(m.event),
              data: utf8(m.data.replace(/\r\n|\r/g, '\n')),
              lastEventId: utf8(lastId),
            };
          });
          expect(events).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('encoder refusals and comments, exactly', () => {
  const refusal = (fn: () => unknown): SseHubError => {
    try {
      fn();
    } catch (err) {
      return err as SseHubError;
    }
    throw new Error('accepted');
  };

  it('names the field that would break the frame', () => {
    for (const field of ['id', 'event'] as const) {
      const err = refusal(() => encodeMessage({ [field]: 'a\nb' }));
      expect([err.code, err.message, err.details]).toEqual([
        'INVALID_FIELD',
        `The ${field} field must not contain CR, LF or NUL characters`,
        { field },
      ]);
    }
  });

  it('takes a retry of 0, and names the retry field when refusing one', () => {
    expect(encodeMessage({ retry: 0 })).toBe('retry: 0\n\n');
    const err = refusal(() => encodeMessage({ retry: -1 }));
    expect([err.code, err.message, err.details]).toEqual([
      'INVALID_FIELD',
      'The retry field must be a non-negative integer',
      { field: 'retry' },
    ]);
  });

  it('writes comment text after a colon and a space, one line per line, and bare colons for empty lines', () => {
    expect(encodeComment('ping').toString()).toBe(': ping\n\n');
    expect(encodeComment('a\nb\r\n\rc').toString()).toBe(': a\n: b\n:\n: c\n\n');
    expect(encodeComment('é').equals(Buffer.from(': é\n\n', 'utf8'))).toBe(true);
  });
});
