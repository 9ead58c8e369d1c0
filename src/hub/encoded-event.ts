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

/** The frames of several events as one buffer: one socket write instead of many. */
export function concatFrames(events: readonly EncodedEvent[]): Buffer {
  if (events.length === 1) return (events[0] as EncodedEvent).frame;
  return Buffer.concat(events.map((e) => e.frame));
}
