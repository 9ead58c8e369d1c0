// @ts-nocheck
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
import type { Principal } from '../auth/principal.js';
import type { TopicMatcher } from '../protocol/topic.js';
import type { EncodedEvent } from './encoded-event.js';

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
  if (stryMutAct_9fa48("0")) {
    {}
  } else {
    stryCov_9fa48("0");
    const {
      matches,
      permits
    } = ticket;
    return stryMutAct_9fa48("1") ? event.event.topics.every(t => matches(t) && (permits === undefined || permits(t))) : (stryCov_9fa48("1"), event.event.topics.some(stryMutAct_9fa48("2") ? () => undefined : (stryCov_9fa48("2"), t => stryMutAct_9fa48("5") ? matches(t) || permits === undefined || permits(t) : stryMutAct_9fa48("4") ? false : stryMutAct_9fa48("3") ? true : (stryCov_9fa48("3", "4", "5"), matches(t) && (stryMutAct_9fa48("7") ? permits === undefined && permits(t) : stryMutAct_9fa48("6") ? true : (stryCov_9fa48("6", "7"), (stryMutAct_9fa48("9") ? permits !== undefined : stryMutAct_9fa48("8") ? false : (stryCov_9fa48("8", "9"), permits === undefined)) || permits(t)))))));
  }
}

/** The events of `events` a stream of this ticket receives, as its view shows them (replay path). */
export function selectFor(ticket: Ticket, events: readonly EncodedEvent[]): EncodedEvent[] {
  if (stryMutAct_9fa48("10")) {
    {}
  } else {
    stryCov_9fa48("10");
    const out: EncodedEvent[] = stryMutAct_9fa48("11") ? ["Stryker was here"] : (stryCov_9fa48("11"), []);
    for (const e of events) {
      if (stryMutAct_9fa48("12")) {
        {}
      } else {
        stryCov_9fa48("12");
        if (stryMutAct_9fa48("15") ? false : stryMutAct_9fa48("14") ? true : stryMutAct_9fa48("13") ? admits(ticket, e) : (stryCov_9fa48("13", "14", "15"), !admits(ticket, e))) continue;
        const shown = ticket.view ? ticket.view.apply(e) : e;
        if (stryMutAct_9fa48("17") ? false : stryMutAct_9fa48("16") ? true : (stryCov_9fa48("16", "17"), shown)) out.push(shown);
      }
    }
    return out;
  }
}