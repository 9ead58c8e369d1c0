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
import { SseHubError } from '../errors.js';

/** A share of the {@link UnsentBudget}; release it once the bytes have left the process. */
export interface UnsentLease {
  readonly bytes: number;
  /** Changes the reserved size (a retaken snapshot); throws HUB_BUSY if the growth does not fit. */
  resize(bytes: number): void;
  release(): void;
}

/**
 * The hub-wide cap on memory held for data that sockets have not taken yet.
 * Live-collection snapshots, tens of megabytes each, reserve their size here: a
 * client that opens a snapshot and never reads would otherwise pin it, and
 * twenty of them pinned 700 MB. What event streams have queued counts too
 * (each stream is bounded by its own buffer bound and dropped past it; the
 * hub's sweep sums their queues every second). When a new reservation does not
 * fit, it is refused with 503 HUB_BUSY (and `Retry-After`), so memory stays
 * bounded however many such clients come.
 */
export class UnsentBudget {
  readonly limit: number;
  #used = 0;
  /** Bytes queued on event streams at the last sweep. */
  streamBytes = 0;
  constructor(limit: number) {
    if (stryMutAct_9fa48("837")) {
      {}
    } else {
      stryCov_9fa48("837");
      this.limit = limit;
    }
  }

  /** Bytes held: reserved snapshots plus what event streams had queued at the last sweep. */
  get used(): number {
    if (stryMutAct_9fa48("838")) {
      {}
    } else {
      stryCov_9fa48("838");
      return stryMutAct_9fa48("839") ? this.#used - this.streamBytes : (stryCov_9fa48("839"), this.#used + this.streamBytes);
    }
  }
  reserve(bytes: number): UnsentLease {
    if (stryMutAct_9fa48("840")) {
      {}
    } else {
      stryCov_9fa48("840");
      this.#take(bytes);
      let held = bytes;
      let released = stryMutAct_9fa48("841") ? true : (stryCov_9fa48("841"), false);
      return stryMutAct_9fa48("842") ? {} : (stryCov_9fa48("842"), {
        get bytes() {
          if (stryMutAct_9fa48("843")) {
            {}
          } else {
            stryCov_9fa48("843");
            return held;
          }
        },
        resize: (next: number) => {
          if (stryMutAct_9fa48("844")) {
            {}
          } else {
            stryCov_9fa48("844");
            if (stryMutAct_9fa48("846") ? false : stryMutAct_9fa48("845") ? true : (stryCov_9fa48("845", "846"), released)) return;
            if (stryMutAct_9fa48("850") ? next <= held : stryMutAct_9fa48("849") ? next >= held : stryMutAct_9fa48("848") ? false : stryMutAct_9fa48("847") ? true : (stryCov_9fa48("847", "848", "849", "850"), next > held)) this.#take(stryMutAct_9fa48("851") ? next + held : (stryCov_9fa48("851"), next - held));else stryMutAct_9fa48("852") ? this.#used += held - next : (stryCov_9fa48("852"), this.#used -= stryMutAct_9fa48("853") ? held + next : (stryCov_9fa48("853"), held - next));
            held = next;
          }
        },
        release: () => {
          if (stryMutAct_9fa48("854")) {
            {}
          } else {
            stryCov_9fa48("854");
            if (stryMutAct_9fa48("856") ? false : stryMutAct_9fa48("855") ? true : (stryCov_9fa48("855", "856"), released)) return;
            released = stryMutAct_9fa48("857") ? false : (stryCov_9fa48("857"), true);
            stryMutAct_9fa48("858") ? this.#used += held : (stryCov_9fa48("858"), this.#used -= held);
          }
        }
      });
    }
  }
  #take(bytes: number): void {
    if (stryMutAct_9fa48("859")) {
      {}
    } else {
      stryCov_9fa48("859");
      if (stryMutAct_9fa48("863") ? this.used + bytes <= this.limit : stryMutAct_9fa48("862") ? this.used + bytes >= this.limit : stryMutAct_9fa48("861") ? false : stryMutAct_9fa48("860") ? true : (stryCov_9fa48("860", "861", "862", "863"), (stryMutAct_9fa48("864") ? this.used - bytes : (stryCov_9fa48("864"), this.used + bytes)) > this.limit)) {
        if (stryMutAct_9fa48("865")) {
          {}
        } else {
          stryCov_9fa48("865");
          throw new SseHubError(stryMutAct_9fa48("866") ? "" : (stryCov_9fa48("866"), 'HUB_BUSY'), stryMutAct_9fa48("867") ? `` : (stryCov_9fa48("867"), `The hub holds ${this.used} bytes of unsent data (limit ${this.limit}); retry shortly or narrow the query`));
        }
      }
      stryMutAct_9fa48("868") ? this.#used -= bytes : (stryCov_9fa48("868"), this.#used += bytes);
    }
  }
}