import { describe, expect, it } from 'vitest';
import { type ParsedEvent, SseParser } from './parser.js';

function run(chunks: (string | Uint8Array)[], lastEventId = '') {
  const events: ParsedEvent[] = [];
  const retries: number[] = [];
  const comments: string[] = [];
  const parser = new SseParser(
    { onEvent: (e) => events.push(e), onRetry: (r) => retries.push(r), onComment: (c) => comments.push(c) },
    lastEventId,
  );
  for (const chunk of chunks) parser.feed(chunk);
  return { events, retries, comments, parser };
}

describe('SseParser (WHATWG parsing algorithm)', () => {
  it('strips one leading BOM, only at the start of the stream', () => {
    const { events } = run(['\uFEFFdata: a\n\n', '\uFEFFdata: b\n\n']);
    expect(events.map((e) => e.data)).toEqual(['a']);
    // The second BOM makes the field name "\uFEFFdata", which is ignored.
  });

  it('strips a BOM split across byte chunks', () => {
    const bytes = Buffer.from('\uFEFFdata: x\n\n', 'utf8');
    const { events } = run([bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2)]);
    expect(events.map((e) => e.data)).toEqual(['x']);
  });

  it('accepts LF, CR and CRLF line endings, also mixed', () => {
    const { events } = run(['data: a\r\rdata: b\r\n\r\ndata: c\n\n']);
    expect(events.map((e) => e.data)).toEqual(['a', 'b', 'c']);
  });

  it('treats CR LF split across chunks as one line ending', () => {
    const { events } = run(['data: a\r', '\ndata: b\r', '\n\r', '\n']);
    expect(events.map((e) => e.data)).toEqual(['a\nb']);
  });

  it('strips exactly one leading space from values', () => {
    const { events } = run(['data:  two\ndata:none\n\n']);
    expect(events[0]?.data).toBe(' two\nnone');
  });

  it('treats a line without colon as a field with an empty value', () => {
    const { events } = run(['data\ndata\n\n']);
    expect(events[0]?.data).toBe('\n');
  });

  it('dispatches an event whose only data line is empty', () => {
    const { events } = run(['data:\n\n']);
    expect(events).toEqual([{ type: 'message', data: '', lastEventId: '' }]);
  });

  it('does not dispatch without data, but an id still sets the last event id', () => {
    const { events, parser } = run(['id: 7\n\n', 'event: x\n\n']);
    expect(events).toEqual([]);
    expect(parser.lastEventId).toBe('7');
  });

  it('ignores an id containing NUL', () => {
    const { events } = run(['id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n']);
    expect(events.map((e) => e.lastEventId)).toEqual(['1', '1']);
  });

  it('resets the event type after each dispatch and defaults it to message', () => {
    const { events } = run(['event: a\ndata: 1\n\ndata: 2\n\n']);
    expect(events.map((e) => e.type)).toEqual(['a', 'message']);
  });

  it('ignores non-digit retry values', () => {
    const { retries } = run(['retry: 100\nretry: 1e3\nretry: -5\nretry: 20 \nretry: 300\n\n']);
    expect(retries).toEqual([100, 300]);
  });

  it('reports comments and ignores unknown fields', () => {
    const { events, comments } = run([': hello\nfoo: bar\ndata: x\n\n']);
    expect(comments).toEqual(['hello']);
    expect(events.map((e) => e.data)).toEqual(['x']);
  });

  it('discards an incomplete event at the end of the stream', () => {
    const { events, parser } = run(['data: complete\n\ndata: partial\n']);
    parser.end();
    expect(events.map((e) => e.data)).toEqual(['complete']);
  });

  it('decodes multi-byte UTF-8 split across chunks', () => {
    const bytes = Buffer.from('data: héllo 🌍\n\n', 'utf8');
    const chunks = [...bytes].map((b) => Uint8Array.of(b));
    expect(run(chunks).events[0]?.data).toBe('héllo 🌍');
  });

  it('starts from an initial last event id', () => {
    expect(run(['data: x\n\n'], 'abc-1').events[0]?.lastEventId).toBe('abc-1');
  });
  it('parses lines split over many chunks, with CR LF split between chunks, the same as whole', () => {
    const stream = `id: 1\r\nevent: snap\r\ndata: ${'abc'.repeat(5000)}\r\ndata: two\r\n\r\n: c\rdata: x\n\n`;
    const whole: ParsedEvent[] = [];
    new SseParser({ onEvent: (e) => whole.push(e) }).feed(stream);
    for (const size of [1, 2, 7, 64, 1000]) {
      const split: ParsedEvent[] = [];
      const parser = new SseParser({ onEvent: (e) => split.push(e) });
      for (let i = 0; i < stream.length; i += size) parser.feed(stream.slice(i, i + size));
      expect(split, `chunks of ${size}`).toEqual(whole);
    }
    expect(whole.map((e) => [e.type, e.data.length, e.lastEventId])).toEqual([
      ['snap', 15000 + '\ntwo'.length, '1'],
      ['message', 1, '1'],
    ]);
  });
});

describe('SseParser: exact field handling', () => {
  it('hands comments over without the colon and one leading space', () => {
    expect(run([': hello\n:  two\n:\n:x\n']).comments).toEqual(['hello', ' two', '', 'x']);
  });

  it('reports digit-only retry values as numbers, and nothing else', () => {
    expect(run(['retry: 1500\nretry:0\nretry: 15a\nretry:\nretry: -1\nretry: 1.5\n']).retries).toEqual([1500, 0]);
  });

  it('reports every id that sets the last event id, even without an event', () => {
    const ids: string[] = [];
    const parser = new SseParser({ onId: (id) => ids.push(id) });
    parser.feed('id: 1\n\nid\n\nid: a\0b\n\nid:  2\n\n');
    expect(ids).toEqual(['1', '', ' 2']);
    expect(parser.lastEventId).toBe(' 2');
  });

  it('takes a bare `event` or `data` line as an empty value', () => {
    const { events } = run(['event\ndata\n\n', 'event: x\ndata: 1\n\n']);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['message', ''],
      ['x', '1'],
    ]);
  });

  it('ends a line at a CR that closes a chunk, whatever the next chunk starts with', () => {
    expect(run(['data: a\r', 'data: b\r', '\r']).events.map((e) => e.data)).toEqual(['a\nb']);
    expect(run(['data: a\r', '\n\r', '\n']).events.map((e) => e.data)).toEqual(['a']);
  });

  it('discards the partial line and event at end(), and a CR pending from before', () => {
    const { parser, events } = run(['data: x\ndata: par', 'tial']);
    parser.end();
    parser.feed('data: y\r');
    parser.end();
    parser.feed('\ndata: z\n\n');
    expect(events.map((e) => e.data)).toEqual(['z']);
  });

  it('waits for text before deciding on a BOM: an empty first chunk changes nothing', () => {
    const { events } = run([new Uint8Array(0), '', '\uFEFFdata: a\n\n']);
    expect(events.map((e) => e.data)).toEqual(['a']);
  });

  it('dispatches with the last id in force, and keeps it for later events', () => {
    const { events } = run(['id: 7\ndata: a\n\ndata: b\n\n'], '3');
    expect(events.map((e) => [e.lastEventId, e.data])).toEqual([
      ['7', 'a'],
      ['7', 'b'],
    ]);
  });

  it('keeps an inner trailing LF of the data', () => {
    expect(run(['data: a\ndata:\n\n']).events.map((e) => e.data)).toEqual(['a\n']);
  });
});

describe('SseParser: more exact cases', () => {
  it('strips only a space right after the colon of a comment', () => {
    expect(run([':a b\n']).comments).toEqual(['a b']);
  });

  it('starts the data afresh after end()', () => {
    const { parser, events } = run(['data: x\n']);
    parser.end();
    parser.feed('data: y\n\n');
    expect(events.map((e) => e.data)).toEqual(['y']);
  });

  it('forgets an event type given before end()', () => {
    const { parser, events } = run(['event: x\n']);
    parser.end();
    parser.feed('data: y\n\n');
    expect(events.map((e) => e.type)).toEqual(['message']);
  });

  it('dispatches without an onEvent handler', () => {
    const ids: string[] = [];
    const parser = new SseParser({ onId: (id) => ids.push(id) });
    parser.feed('id: 1\ndata: x\n\n');
    expect(ids).toEqual(['1']);
  });
});
