import type { Principal } from '../auth/principal.js';
import type { TopicMatcher } from '../protocol/topic.js';
import type { EncodedEvent } from './encoded-event.js';
import type { StreamKind } from './hub-observer.js';

/** What a client asks for when it opens a stream (any protocol). */
export interface StreamRequest {
  /** Topic patterns (hub syntax). */
  topics: readonly string[];
  /** From `Last-Event-ID` or a query parameter; empty or undefined for a fresh client. */
  lastEventId?: string | undefined;
  /** The client's network address, for per-client stream quotas of anonymous clients. */
  clientAddress?: string | undefined;
  /**
   * What a view provider needs beyond the topics (a live query's collection and
   * `where` filter). Opaque to the hub.
   */
  scope?: unknown;
  /** What the stream serves, for metrics and logs (default `events`). */
  kind?: StreamKind | undefined;
}

/**
 * How one identity sees events: unchanged, rewritten (a change that moves a
 * record out of a live query becomes a delete) or hidden. Views with equal keys
 * give equal results, so each event is evaluated once per key, not per stream.
 */
export interface EventView {
  readonly key: string;
  apply(event: EncodedEvent): EncodedEvent | undefined;
}

/**
 * Plugged in at composition (collections give one for their topics): the view a
 * principal gets for a request, or undefined when events pass unchanged.
 */
export type ViewProvider = (principal: Principal, request: StreamRequest) => EventView | undefined;

/**
 * The outcome of admission: a validated, authorized request with its stream
 * slot reserved. Every stream kind gets one from `Hub.admit` and hands it to
 * `Hub.startStream`; a ticket not started must be cancelled to free its slot.
 */
export interface Ticket {
  readonly principal: Principal;
  readonly request: StreamRequest;
  /** Requested patterns, normalized: sorted, de-duplicated. */
  readonly patterns: readonly string[];
  /** Matches the requested patterns. */
  readonly matches: TopicMatcher;
  /** Matches the topics the principal may read; undefined when it may read every topic. */
  readonly permits: TopicMatcher | undefined;
  readonly view: EventView | undefined;
  /** Streams with equal keys receive identical bytes: one fan-out group. */
  readonly groupKey: string;
  /** The quota bucket the stream counts against. */
  readonly quotaKey: string;
  /** Frees the reserved slot of a ticket that will not be started; idempotent. */
  cancel(): void;
}

/** Whether `event` reaches a stream of this ticket: one topic both requested and permitted. */
export function admits(ticket: Ticket, event: EncodedEvent): boolean {
  const { matches, permits } = ticket;
  return event.event.topics.some((t) => matches(t) && (permits === undefined || permits(t)));
}

/** The events of `events` a stream of this ticket receives, as its view shows them (replay path). */
export function selectFor(ticket: Ticket, events: readonly EncodedEvent[]): EncodedEvent[] {
  const out: EncodedEvent[] = [];
  for (const e of events) {
    if (!admits(ticket, e)) continue;
    const shown = ticket.view ? ticket.view.apply(e) : e;
    if (shown) out.push(shown);
  }
  return out;
}
