import { describe, expect, it } from 'vitest';
import { SseParser } from '../protocol/parser.js';
import { concatFrames, type EncodedEvent, encodeEvent } from './encoded-event.js';

let seq = 0;
function event(data: string, type?: string): EncodedEvent {
  seq++;
  return encodeEvent({ seq, id: `e-${seq}`, topics: ['t'], type, data, time: 0 });
}

function parse(chunk: Buffer) {
  const events: { id: string; type: string; data: string }[] = [];
  const parser = new SseParser({ onEvent: (e) => events.push({ id: e.lastEventId, type: e.type, data: e.data }) });
  parser.feed(chunk);
  return events;
}

describe('encodeEvent', () => {
  it('frames the id, the type and the data of the stored event', () => {
    const e = event('a\nb', 'greeting');
    expect(parse(e.frame)).toEqual([{ id: e.event.id, type: 'greeting', data: 'a\nb' }]);
  });
});

describe('concatFrames', () => {
  it('returns the frame itself for one event', () => {
    const e = event('one');
    expect(concatFrames([e])).toBe(e.frame);
  });

  it('joins several frames in order', () => {
    const run = [event('1'), event('2'), event('3')];
    expect(parse(concatFrames(run)).map((e) => e.data)).toEqual(['1', '2', '3']);
  });

  it('joins the same run once (same buffer), but not a different run of the same length', () => {
    const a = event('a');
    const b = event('b');
    const c = event('c');
    const first = concatFrames([a, b]);
    expect(concatFrames([a, b])).toBe(first);
    const other = concatFrames([a, c]);
    expect(other).not.toBe(first);
    expect(parse(other).map((e) => e.data)).toEqual(['a', 'c']);
    expect(parse(concatFrames([b, a])).map((e) => e.data)).toEqual(['b', 'a']);
    expect(parse(concatFrames([a, b, c])).map((e) => e.data)).toEqual(['a', 'b', 'c']);
  });

  it('keeps a copy of the run: a caller reusing its array does not change what was cached', () => {
    const a = event('a');
    const b = event('b');
    const run = [a, b];
    const first = concatFrames(run);
    run[1] = event('other');
    expect(concatFrames([a, b])).toBe(first);
  });

  it('remembers the last 8 runs, forgetting the oldest', () => {
    const runs = Array.from({ length: 9 }, (_, i) => [event(`${i}a`), event(`${i}b`)]);
    const chunks = runs.map((run) => concatFrames(run));
    // Runs 1..8 are the last eight: all still shared.
    for (let i = 1; i <= 8; i++) expect(concatFrames(runs[i] as EncodedEvent[])).toBe(chunks[i]);
    // Run 0 was pushed out by run 8.
    expect(concatFrames(runs[0] as EncodedEvent[])).not.toBe(chunks[0]);
  });

  it('keeps a run of exactly 1 MiB, but not a larger one', () => {
    // Frames with a fixed id: data of n bytes gives a frame of overhead + n bytes.
    const sized = (frameBytes: number, tag: string): EncodedEvent => {
      const overhead = encodeEvent({ seq: 0, id: 'x', topics: ['t'], type: undefined, data: '', time: 0 }).frame.length;
      const data = tag + '.'.repeat(frameBytes - overhead - tag.length);
      const e = encodeEvent({ seq: 0, id: 'x', topics: ['t'], type: undefined, data, time: 0 });
      expect(e.frame.length).toBe(frameBytes);
      return e;
    };
    const exact = [sized(512 * 1024, 'a'), sized(512 * 1024, 'b')];
    const kept = concatFrames(exact);
    expect(concatFrames(exact)).toBe(kept);
    const over = [sized(512 * 1024, 'c'), sized(512 * 1024 + 1, 'd')];
    // Compared by identity: a deep comparison of two 1 MiB buffers takes seconds.
    const joinedOnce = concatFrames(over);
    expect(concatFrames(over) === joinedOnce).toBe(false);
  });
});
