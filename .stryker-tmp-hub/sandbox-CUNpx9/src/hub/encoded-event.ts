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
import type { StoredEvent } from '../log/event-log.js';
import { encodeMessageBytes } from '../protocol/encoder.js';

/** A stored event together with its frame, encoded once for every subscriber. */
export interface EncodedEvent {
  readonly event: StoredEvent;
  readonly frame: Buffer;
}
export function encodeEvent(event: StoredEvent): EncodedEvent {
  if (stryMutAct_9fa48("18")) {
    {}
  } else {
    stryCov_9fa48("18");
    return stryMutAct_9fa48("19") ? {} : (stryCov_9fa48("19"), {
      event,
      frame: encodeMessageBytes(stryMutAct_9fa48("20") ? {} : (stryCov_9fa48("20"), {
        id: event.id,
        event: event.type,
        data: event.data
      }))
    });
  }
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
const JOINED_CACHE_MAX_BYTES = stryMutAct_9fa48("21") ? 1024 / 1024 : (stryCov_9fa48("21"), 1024 * 1024);
const joined: Joined[] = stryMutAct_9fa48("22") ? ["Stryker was here"] : (stryCov_9fa48("22"), []);
function sameEvents(a: readonly EncodedEvent[], b: readonly EncodedEvent[]): boolean {
  if (stryMutAct_9fa48("23")) {
    {}
  } else {
    stryCov_9fa48("23");
    if (stryMutAct_9fa48("26") ? a.length === b.length : stryMutAct_9fa48("25") ? false : stryMutAct_9fa48("24") ? true : (stryCov_9fa48("24", "25", "26"), a.length !== b.length)) return stryMutAct_9fa48("27") ? true : (stryCov_9fa48("27"), false);
    for (let i = 0; stryMutAct_9fa48("30") ? i >= a.length : stryMutAct_9fa48("29") ? i <= a.length : stryMutAct_9fa48("28") ? false : (stryCov_9fa48("28", "29", "30"), i < a.length); stryMutAct_9fa48("31") ? i-- : (stryCov_9fa48("31"), i++)) if (stryMutAct_9fa48("34") ? a[i] === b[i] : stryMutAct_9fa48("33") ? false : stryMutAct_9fa48("32") ? true : (stryCov_9fa48("32", "33", "34"), a[i] !== b[i])) return stryMutAct_9fa48("35") ? true : (stryCov_9fa48("35"), false);
    return stryMutAct_9fa48("36") ? false : (stryCov_9fa48("36"), true);
  }
}

/** The frames of several events as one buffer: one socket write instead of many. */
export function concatFrames(events: readonly EncodedEvent[]): Buffer {
  if (stryMutAct_9fa48("37")) {
    {}
  } else {
    stryCov_9fa48("37");
    if (stryMutAct_9fa48("40") ? events.length !== 1 : stryMutAct_9fa48("39") ? false : stryMutAct_9fa48("38") ? true : (stryCov_9fa48("38", "39", "40"), events.length === 1)) return (events[0] as EncodedEvent).frame;
    for (const entry of joined) if (stryMutAct_9fa48("42") ? false : stryMutAct_9fa48("41") ? true : (stryCov_9fa48("41", "42"), sameEvents(entry.events, events))) return entry.chunk;
    const chunk = Buffer.concat(events.map(stryMutAct_9fa48("43") ? () => undefined : (stryCov_9fa48("43"), e => e.frame)));
    if (stryMutAct_9fa48("47") ? chunk.length <= JOINED_CACHE_MAX_BYTES : stryMutAct_9fa48("46") ? chunk.length >= JOINED_CACHE_MAX_BYTES : stryMutAct_9fa48("45") ? false : stryMutAct_9fa48("44") ? true : (stryCov_9fa48("44", "45", "46", "47"), chunk.length > JOINED_CACHE_MAX_BYTES)) return chunk;
    if (stryMutAct_9fa48("51") ? joined.length < JOINED_CACHE : stryMutAct_9fa48("50") ? joined.length > JOINED_CACHE : stryMutAct_9fa48("49") ? false : stryMutAct_9fa48("48") ? true : (stryCov_9fa48("48", "49", "50", "51"), joined.length >= JOINED_CACHE)) joined.shift();
    joined.push(stryMutAct_9fa48("52") ? {} : (stryCov_9fa48("52"), {
      events: stryMutAct_9fa48("53") ? [] : (stryCov_9fa48("53"), [...events]),
      chunk
    }));
    return chunk;
  }
}