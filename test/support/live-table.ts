/**
 * Reading `/db/<table>/live` streams in tests: the snapshot, the changes, and a
 * replay of both that fails on any gap or duplicate of counted updates.
 */
import { expect } from 'vitest';
import type { ParsedEvent } from '../../src/protocol/parser.js';
import type { RecordedStream } from './sse-stream.js';

/** Rows of the test tables: `n` counts the updates a row had. */
export interface Item {
  id: number;
  owner: string;
  n: number;
}
export interface LiveRecord {
  id: string;
  data: Item;
}
export interface LiveChange {
  op: 'insert' | 'update' | 'delete';
  collection: string;
  id: string;
  record: LiveRecord;
}

export function snapshotOf(stream: RecordedStream): { records: LiveRecord[]; position: string } {
  const event = stream.events.find((e) => e.type === 'snapshot');
  if (!event) throw new Error('no snapshot');
  return JSON.parse(event.data);
}

export const changesOf = (events: readonly ParsedEvent[]): LiveChange[] =>
  events.filter((e) => ['insert', 'update', 'delete'].includes(e.type)).map((e) => JSON.parse(e.data) as LiveChange);

/**
 * The table a stream shows: its snapshot with its changes applied. Every update
 * must add exactly one to `n` (a gap skips a number, a duplicate repeats or goes
 * back), an insert must be new, a delete must remove a row it had.
 */
export function replayCounted(stream: RecordedStream): Item[] {
  const state = new Map(snapshotOf(stream).records.map((r) => [r.id, r.data]));
  for (const change of changesOf(stream.events)) {
    const had = state.get(change.id);
    if (change.op === 'insert') {
      expect(had, `insert of ${change.id} it already had`).toBeUndefined();
      state.set(change.id, change.record.data);
    } else if (change.op === 'delete') {
      expect(had, `delete of ${change.id} it did not have`).toBeDefined();
      state.delete(change.id);
    } else {
      expect(change.record.data.n, `row ${change.id} after n=${had?.n}`).toBe((had?.n ?? Number.NaN) + 1);
      state.set(change.id, change.record.data);
    }
  }
  return [...state.values()].sort((x, y) => x.id - y.id);
}
