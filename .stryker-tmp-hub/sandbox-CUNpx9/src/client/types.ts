/**
 * Connection state of a subscription or live collection:
 * - `connecting`: opening the first stream;
 * - `live`: the stream is open and events flow;
 * - `reconnecting`: the stream dropped and a new attempt is scheduled or under way;
 * - `offline`: the browser reports no network, or the client gave up.
 */
// @ts-nocheck

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** One event as a subscriber sees it. */
export interface HubEvent {
  /** The event id: a resume position, opaque to clients. */
  readonly id: string;
  /** The SSE event type (`message` when the publisher named none). */
  readonly type: string;
  /** The data as sent on the wire. */
  readonly data: string;
  /** The data parsed as JSON. */
  json<T = unknown>(): T;
}

/** Why the hub could not resume a stream; the client must refetch its state. */
export interface ResetInfo {
  reason: 'unknown-id' | 'history-trimmed' | 'log-replaced' | string;
  /** The id the client tried to resume from (null when the log changed under a live stream). */
  lastEventId: string | null;
  /** The position the stream continues from. */
  id: string;
}

/** A raw SSE event as a transport delivers it. */
export interface RawEvent {
  id: string;
  type: string;
  data: string;
}

/** Something that can be stopped. */
export interface Closeable {
  close(): void;
}

/** Which way a stream reaches the hub; `auto` picks one (see docs/client.md). */
export type TransportKind = 'auto' | 'fetch' | 'eventsource';
