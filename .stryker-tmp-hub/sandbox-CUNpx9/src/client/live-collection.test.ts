// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { LiveCollection } from './live-collection.js';
import type { HubRecord } from './records.js';
import type { EventStream, StreamHandlers } from './stream.js';
import type { RawEvent } from './types.js';

interface Note {
  owner: string;
}

const record = (id: string, owner: string, version = 1): HubRecord<Note> => ({
  id,
  data: { owner },
  version,
  createdAt: 0,
  updatedAt: 0,
});
const snapshot = (pos: string, records: HubRecord<Note>[]): RawEvent => ({
  id: pos,
  type: 'snapshot',
  data: JSON.stringify({ records, position: pos }),
});
const change = (pos: string, op: 'insert' | 'update' | 'delete', rec: HubRecord<Note>): RawEvent => ({
  id: pos,
  type: op,
  data: JSON.stringify({ op, collection: 'notes', id: rec.id, record: rec }),
});

/** A LiveCollection fed by hand: the unit under test is the state machine, not the network. */
function harness(options: { where?: Record<string, string>; snapshot?: () => Promise<RawEvent> } = {}) {
  let handlers: StreamHandlers | undefined;
  const stream: EventStream = { lastEventId: '', status: 'live', close() {} };
  const live = new LiveCollection<Note>({
    open: (h) => {
      handlers = h;
      return stream;
    },
    fetchSnapshot: options.snapshot ?? (() => Promise.reject(new Error('no snapshot'))),
    where: options.where,
  });
  return {
    live,
    feed: (...events: RawEvent[]) => {
      for (const e of events) handlers!.onEvent(e);
    },
    handlers: () => handlers!,
  };
}

describe('LiveCollection', () => {
  it('drops changes whose id is not newer than its position', () => {
    const { live, feed } = harness();
    feed(snapshot('e-5', [record('A', 'ada')]));
    feed(change('e-6', 'insert', record('B', 'bob')));
    feed(change('e-4', 'delete', record('A', 'ada')), change('e-6', 'insert', record('B', 'bob')));
    feed(change('e-5', 'update', record('A', 'zed', 2)));
    expect(live.records.map((r) => `${r.id}:${r.data.owner}`)).toEqual(['A:ada', 'B:bob']);
    expect(live.position).toBe('e-6');
  });

  it('keeps changes that arrive before the snapshot and applies the newer ones', () => {
    const { live, feed } = harness();
    feed(change('e-3', 'insert', record('A', 'ada')), change('e-8', 'insert', record('C', 'cy')));
    expect(live.ready).toBe(false);
    feed(snapshot('e-5', [record('A', 'ada'), record('B', 'bob')]));
    expect(live.records.map((r) => r.id)).toEqual(['A', 'B', 'C']);
  });

  it('sorts by id and keeps the array identity until something changes', () => {
    const { live, feed } = harness();
    feed(snapshot('e-1', [record('C', 'c'), record('A', 'a'), record('B', 'b')]));
    const before = live.records;
    expect(before.map((r) => r.id)).toEqual(['A', 'B', 'C']);
    feed(change('e-1', 'delete', record('A', 'a')));
    expect(live.records).toBe(before);
  });

  it('filters changes through where', () => {
    const { live, feed } = harness({ where: { owner: 'ada' } });
    feed(snapshot('e-1', [record('A', 'ada')]));
    feed(change('e-2', 'insert', record('B', 'bob')));
    feed(change('e-3', 'update', record('A', 'bob', 2)));
    feed(change('e-4', 'update', record('B', 'ada', 2)));
    expect(live.records.map((r) => `${r.id}:${r.version}`)).toEqual(['B:2']);
  });

  it('refetches a snapshot on reset and applies changes that came meanwhile', async () => {
    let release: (e: RawEvent) => void = () => {};
    const { live, feed } = harness({ snapshot: () => new Promise((resolve) => (release = resolve)) });
    feed(snapshot('old-9', [record('A', 'ada')]));
    feed({
      id: 'new-0',
      type: 'reset',
      data: JSON.stringify({ reason: 'log-replaced', lastEventId: 'old-9', id: 'new-0' }),
    });
    feed(change('new-1', 'insert', record('X', 'x')), change('new-3', 'insert', record('Z', 'z')));
    expect(live.records.map((r) => r.id)).toEqual(['A']); // old state shown until the snapshot lands
    release(snapshot('new-2', [record('X', 'x'), record('Y', 'y')]));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(live.records.map((r) => r.id)).toEqual(['X', 'Y', 'Z']);
    expect(live.position).toBe('new-3');
  });

  it('fetches its own snapshot when it follows another tab', async () => {
    const { live, feed, handlers } = harness({ snapshot: async () => snapshot('e-4', [record('A', 'ada')]) });
    feed(change('e-5', 'insert', record('B', 'bob')));
    handlers().onFollow?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(live.ready).toBe(true);
    expect(live.records.map((r) => r.id)).toEqual(['A', 'B']);
  });
});
