// @ts-nocheck
import { formatEventId } from './event-id.js';
import type { EventInput, StoredEvent } from './event-log.js';

/** A stream entry as ioredis returns it: `[id, [field, value, ...]]`. */
export type RawStreamEntry = [id: string, fields: string[]];

/** A decoded entry: the event and the epoch it was appended in. */
export interface RedisEntry {
  readonly epoch: string;
  readonly event: StoredEvent;
}

/** Topic names contain no whitespace, so a space joins them unambiguously. */
const TOPIC_SEPARATOR = ' ';

/** The script arguments for one event: topics, type ('' for none: types are never empty), data. */
export function entryArgs(input: EventInput): [string, string, string] {
  return [input.topics.join(TOPIC_SEPARATOR), input.type ?? '', input.data];
}

/** The position in a stream entry id `<seq>-0`. */
export function seqOfEntryId(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}

/** Decodes an entry written by the append script. */
export function decodeEntry([id, fields]: RawStreamEntry): RedisEntry {
  let epoch = '';
  let time = 0;
  let topics = '';
  let type: string | undefined;
  let data = '';
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const value = fields[i + 1] as string;
    switch (fields[i]) {
      case 'e':
        epoch = value;
        break;
      case 't':
        time = Number(value);
        break;
      case 'p':
        topics = value;
        break;
      case 'y':
        type = value;
        break;
      case 'd':
        data = value;
        break;
    }
  }
  const seq = seqOfEntryId(id);
  return {
    epoch,
    event: { seq, id: formatEventId(epoch, seq), topics: topics.split(TOPIC_SEPARATOR), type, data, time },
  };
}
