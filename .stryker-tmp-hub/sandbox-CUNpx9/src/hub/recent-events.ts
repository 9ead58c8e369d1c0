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
import type { EncodedEvent } from './encoded-event.js';

/**
 * What one cached event costs in memory: its frame, the data string it was
 * encoded from (the stored event is kept alongside), and a fixed allowance for
 * the objects around them. An estimate, but one that grows with the event:
 * a count bound alone let 10,000 events of 256 KiB take gigabytes.
 */
export function eventCost(encoded: EncodedEvent): number {
  if (stryMutAct_9fa48("520")) {
    {}
  } else {
    stryCov_9fa48("520");
    return stryMutAct_9fa48("521") ? encoded.frame.length + encoded.event.data.length - 256 : (stryCov_9fa48("521"), (stryMutAct_9fa48("522") ? encoded.frame.length - encoded.event.data.length : (stryCov_9fa48("522"), encoded.frame.length + encoded.event.data.length)) + 256);
  }
}

/**
 * The newest events the hub has fanned out, already encoded, kept in arrival
 * order. A resume that starts inside this window is served from memory, which is
 * what keeps a reconnect storm off the log. Bounded both by count and by bytes
 * ({@link eventCost}); the oldest go first.
 */
export class RecentEvents {
  readonly #capacity: number;
  readonly #maxBytes: number;
  #items: EncodedEvent[] = stryMutAct_9fa48("523") ? ["Stryker was here"] : (stryCov_9fa48("523"), []);
  /** Index of the oldest kept item: dropping moves it, and the array is compacted in slabs. */
  #start = 0;
  #bytes = 0;
  constructor(capacity: number, maxBytes = Number.POSITIVE_INFINITY) {
    if (stryMutAct_9fa48("524")) {
      {}
    } else {
      stryCov_9fa48("524");
      this.#capacity = capacity;
      this.#maxBytes = maxBytes;
    }
  }

  /** Bytes held, by {@link eventCost}. */
  get bytes(): number {
    if (stryMutAct_9fa48("525")) {
      {}
    } else {
      stryCov_9fa48("525");
      return this.#bytes;
    }
  }
  get size(): number {
    if (stryMutAct_9fa48("526")) {
      {}
    } else {
      stryCov_9fa48("526");
      return stryMutAct_9fa48("527") ? this.#items.length + this.#start : (stryCov_9fa48("527"), this.#items.length - this.#start);
    }
  }
  push(events: readonly EncodedEvent[]): void {
    if (stryMutAct_9fa48("528")) {
      {}
    } else {
      stryCov_9fa48("528");
      if (stryMutAct_9fa48("531") ? this.#capacity === 0 && this.#maxBytes === 0 : stryMutAct_9fa48("530") ? false : stryMutAct_9fa48("529") ? true : (stryCov_9fa48("529", "530", "531"), (stryMutAct_9fa48("533") ? this.#capacity !== 0 : stryMutAct_9fa48("532") ? false : (stryCov_9fa48("532", "533"), this.#capacity === 0)) || (stryMutAct_9fa48("535") ? this.#maxBytes !== 0 : stryMutAct_9fa48("534") ? false : (stryCov_9fa48("534", "535"), this.#maxBytes === 0)))) return;
      for (const e of events) {
        if (stryMutAct_9fa48("536")) {
          {}
        } else {
          stryCov_9fa48("536");
          this.#items.push(e);
          stryMutAct_9fa48("537") ? this.#bytes -= eventCost(e) : (stryCov_9fa48("537"), this.#bytes += eventCost(e));
        }
      }
      while (stryMutAct_9fa48("539") ? this.size > 0 || this.size > this.#capacity || this.#bytes > this.#maxBytes : stryMutAct_9fa48("538") ? false : (stryCov_9fa48("538", "539"), (stryMutAct_9fa48("542") ? this.size <= 0 : stryMutAct_9fa48("541") ? this.size >= 0 : stryMutAct_9fa48("540") ? true : (stryCov_9fa48("540", "541", "542"), this.size > 0)) && (stryMutAct_9fa48("544") ? this.size > this.#capacity && this.#bytes > this.#maxBytes : stryMutAct_9fa48("543") ? true : (stryCov_9fa48("543", "544"), (stryMutAct_9fa48("547") ? this.size <= this.#capacity : stryMutAct_9fa48("546") ? this.size >= this.#capacity : stryMutAct_9fa48("545") ? false : (stryCov_9fa48("545", "546", "547"), this.size > this.#capacity)) || (stryMutAct_9fa48("550") ? this.#bytes <= this.#maxBytes : stryMutAct_9fa48("549") ? this.#bytes >= this.#maxBytes : stryMutAct_9fa48("548") ? false : (stryCov_9fa48("548", "549", "550"), this.#bytes > this.#maxBytes)))))) {
        if (stryMutAct_9fa48("551")) {
          {}
        } else {
          stryCov_9fa48("551");
          stryMutAct_9fa48("552") ? this.#bytes += eventCost(this.#items[this.#start] as EncodedEvent) : (stryCov_9fa48("552"), this.#bytes -= eventCost(this.#items[this.#start] as EncodedEvent));
          this.#items[stryMutAct_9fa48("553") ? this.#start-- : (stryCov_9fa48("553"), this.#start++)] = undefined as unknown as EncodedEvent; // let it be collected now
        }
      }
      // Compact in slabs so pushes stay amortised O(1).
      if (stryMutAct_9fa48("556") ? this.#start > 1024 || this.#start > this.#items.length / 2 : stryMutAct_9fa48("555") ? false : stryMutAct_9fa48("554") ? true : (stryCov_9fa48("554", "555", "556"), (stryMutAct_9fa48("559") ? this.#start <= 1024 : stryMutAct_9fa48("558") ? this.#start >= 1024 : stryMutAct_9fa48("557") ? true : (stryCov_9fa48("557", "558", "559"), this.#start > 1024)) && (stryMutAct_9fa48("562") ? this.#start <= this.#items.length / 2 : stryMutAct_9fa48("561") ? this.#start >= this.#items.length / 2 : stryMutAct_9fa48("560") ? true : (stryCov_9fa48("560", "561", "562"), this.#start > (stryMutAct_9fa48("563") ? this.#items.length * 2 : (stryCov_9fa48("563"), this.#items.length / 2)))))) {
        if (stryMutAct_9fa48("564")) {
          {}
        } else {
          stryCov_9fa48("564");
          this.#items = stryMutAct_9fa48("565") ? this.#items : (stryCov_9fa48("565"), this.#items.slice(this.#start));
          this.#start = 0;
        }
      }
    }
  }

  /**
   * Events with seq greater than `afterSeq`, or undefined when the window does not
   * reach back that far (the caller then reads the log).
   */
  after(afterSeq: number, limit: number): EncodedEvent[] | undefined {
    if (stryMutAct_9fa48("566")) {
      {}
    } else {
      stryCov_9fa48("566");
      const items = this.#items;
      const first = items[this.#start];
      if (stryMutAct_9fa48("569") ? !first && first.event.seq > afterSeq + 1 : stryMutAct_9fa48("568") ? false : stryMutAct_9fa48("567") ? true : (stryCov_9fa48("567", "568", "569"), (stryMutAct_9fa48("570") ? first : (stryCov_9fa48("570"), !first)) || (stryMutAct_9fa48("573") ? first.event.seq <= afterSeq + 1 : stryMutAct_9fa48("572") ? first.event.seq >= afterSeq + 1 : stryMutAct_9fa48("571") ? false : (stryCov_9fa48("571", "572", "573"), first.event.seq > (stryMutAct_9fa48("574") ? afterSeq - 1 : (stryCov_9fa48("574"), afterSeq + 1)))))) return undefined;
      let lo = this.#start;
      let hi = items.length;
      while (stryMutAct_9fa48("577") ? lo >= hi : stryMutAct_9fa48("576") ? lo <= hi : stryMutAct_9fa48("575") ? false : (stryCov_9fa48("575", "576", "577"), lo < hi)) {
        if (stryMutAct_9fa48("578")) {
          {}
        } else {
          stryCov_9fa48("578");
          const mid = (stryMutAct_9fa48("579") ? lo - hi : (stryCov_9fa48("579"), lo + hi)) >>> 1;
          if (stryMutAct_9fa48("583") ? (items[mid] as EncodedEvent).event.seq > afterSeq : stryMutAct_9fa48("582") ? (items[mid] as EncodedEvent).event.seq < afterSeq : stryMutAct_9fa48("581") ? false : stryMutAct_9fa48("580") ? true : (stryCov_9fa48("580", "581", "582", "583"), (items[mid] as EncodedEvent).event.seq <= afterSeq)) lo = stryMutAct_9fa48("584") ? mid - 1 : (stryCov_9fa48("584"), mid + 1);else hi = mid;
        }
      }
      return stryMutAct_9fa48("585") ? items : (stryCov_9fa48("585"), items.slice(lo, stryMutAct_9fa48("586") ? lo - limit : (stryCov_9fa48("586"), lo + limit)));
    }
  }
  clear(): void {
    if (stryMutAct_9fa48("587")) {
      {}
    } else {
      stryCov_9fa48("587");
      this.#items = stryMutAct_9fa48("588") ? ["Stryker was here"] : (stryCov_9fa48("588"), []);
      this.#start = 0;
      this.#bytes = 0;
    }
  }
}