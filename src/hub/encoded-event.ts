import type { StoredEvent } from '../log/event-log.js';
import { encodeMessageBytes } from '../protocol/encoder.js';

/** A stored event together with its frame, encoded once for every subscriber. */
export interface EncodedEvent {
  readonly event: StoredEvent;
  readonly frame: Buffer;
}

export function encodeEvent(event: StoredEvent): EncodedEvent {
  return { event, frame: encodeMessageBytes({ id: event.id, event: event.type, data: event.data }) };
}

interface Joined {
  events: readonly EncodedEvent[];
  chunk: Buffer;
}

/**
 * The last few joined runs. Clients resuming from the same point (a reconnect
 * storm after a restart) replay the same events from the recent-events cache,
 * so each run is joined once and the buffer shared, like a live batch.
 */
const JOINED_CACHE = 8;
/**
 * Larger runs (a live batch of big events) are not kept: eight of them would pin
 * hundreds of megabytes beyond the recent-events byte bound, and a replay page
 * is never this large anyway (64 KiB plus one event).
 */
const JOINED_CACHE_MAX_BYTES = 1024 * 1024;
const joined: Joined[] = [];

function sameEvents(a: readonly EncodedEvent[], b: readonly EncodedEvent[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The frames of several events as one buffer: one socket write instead of many. */
export function concatFrames(events: readonly EncodedEvent[]): Buffer {
  if (events.length === 1) return (events[0] as EncodedEvent).frame;
  for (const entry of joined) if (sameEvents(entry.events, events)) return entry.chunk;
  const chunk = Buffer.concat(events.map((e) => e.frame));
  if (chunk.length > JOINED_CACHE_MAX_BYTES) return chunk;
  if (joined.length >= JOINED_CACHE) joined.shift();
  joined.push({ events: [...events], chunk });
  return chunk;
}
