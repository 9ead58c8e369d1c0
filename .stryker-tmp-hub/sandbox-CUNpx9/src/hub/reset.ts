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
import { encodeMessageBytes } from '../protocol/encoder.js';
import { RESET_EVENT } from '../protocol/wire.js';
export { RESET_EVENT };

/**
 * Why a stream starts (or continues) with a `reset` event instead of replaying:
 * - `unknown-id`: the Last-Event-ID is not an id this log ever gave out;
 * - `history-trimmed`: retention removed events after it;
 * - `log-replaced`: it belongs to another epoch (the log was wiped or replaced).
 */
export type ResetReason = 'unknown-id' | 'history-trimmed' | 'log-replaced';

/**
 * A `reset` event: the client must refetch its state. Its id is the log position
 * the stream continues from, so a later resume starts there.
 */
export function resetFrame(reason: ResetReason, lastEventId: string | undefined, continueFromId: string): Buffer {
  if (stryMutAct_9fa48("589")) {
    {}
  } else {
    stryCov_9fa48("589");
    return encodeMessageBytes(stryMutAct_9fa48("590") ? {} : (stryCov_9fa48("590"), {
      id: continueFromId,
      event: RESET_EVENT,
      data: JSON.stringify(stryMutAct_9fa48("591") ? {} : (stryCov_9fa48("591"), {
        reason,
        lastEventId: stryMutAct_9fa48("592") ? lastEventId && null : (stryCov_9fa48("592"), lastEventId ?? null),
        id: continueFromId
      }))
    }));
  }
}