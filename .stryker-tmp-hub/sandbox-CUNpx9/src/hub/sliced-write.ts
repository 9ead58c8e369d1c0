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
import type { Connection } from './connection.js';

/** Bytes handed to the socket at a time. */
const SLICE_BYTES = stryMutAct_9fa48("593") ? 64 / 1024 : (stryCov_9fa48("593"), 64 * 1024);

/**
 * How long a large write waits for the socket to flush its queue (at most
 * `maxBufferBytes`, 1 MiB by default: a client slower than ~35 KB/s is dropped
 * and resumes later). A client that opens a live query and stops reading holds
 * its snapshot (and its share of the hub's unsent budget) at most this long.
 */
export const STALL_MS = 30_000;

/**
 * Writes one large frame (a live query's snapshot) as the socket drains, in
 * slices, never queueing more than `maxBufferBytes`: it counts against the
 * connection's bound like any other data instead of being handed over whole.
 * Resolves true once everything is flushed; false if the connection closed or
 * stalled for {@link STALL_MS} (then it is destroyed).
 */
export async function writeSliced(connection: Connection, frame: Buffer, maxBufferBytes: number, isOpen: () => boolean): Promise<boolean> {
  if (stryMutAct_9fa48("594")) {
    {}
  } else {
    stryCov_9fa48("594");
    let offset = 0;
    while (stryMutAct_9fa48("597") ? offset >= frame.length : stryMutAct_9fa48("596") ? offset <= frame.length : stryMutAct_9fa48("595") ? false : (stryCov_9fa48("595", "596", "597"), offset < frame.length)) {
      if (stryMutAct_9fa48("598")) {
        {}
      } else {
        stryCov_9fa48("598");
        if (stryMutAct_9fa48("601") ? false : stryMutAct_9fa48("600") ? true : stryMutAct_9fa48("599") ? isOpen() : (stryCov_9fa48("599", "600", "601"), !isOpen())) return stryMutAct_9fa48("602") ? true : (stryCov_9fa48("602"), false);
        const queued = connection.bufferedBytes;
        if (stryMutAct_9fa48("605") ? queued > 0 || queued + SLICE_BYTES > maxBufferBytes : stryMutAct_9fa48("604") ? false : stryMutAct_9fa48("603") ? true : (stryCov_9fa48("603", "604", "605"), (stryMutAct_9fa48("608") ? queued <= 0 : stryMutAct_9fa48("607") ? queued >= 0 : stryMutAct_9fa48("606") ? true : (stryCov_9fa48("606", "607", "608"), queued > 0)) && (stryMutAct_9fa48("611") ? queued + SLICE_BYTES <= maxBufferBytes : stryMutAct_9fa48("610") ? queued + SLICE_BYTES >= maxBufferBytes : stryMutAct_9fa48("609") ? true : (stryCov_9fa48("609", "610", "611"), (stryMutAct_9fa48("612") ? queued - SLICE_BYTES : (stryCov_9fa48("612"), queued + SLICE_BYTES)) > maxBufferBytes)))) {
          if (stryMutAct_9fa48("613")) {
            {}
          } else {
            stryCov_9fa48("613");
            if (stryMutAct_9fa48("616") ? false : stryMutAct_9fa48("615") ? true : stryMutAct_9fa48("614") ? await drained(connection) : (stryCov_9fa48("614", "615", "616"), !(await drained(connection)))) return stryMutAct_9fa48("617") ? true : (stryCov_9fa48("617"), false);
            continue;
          }
        }
        const end = stryMutAct_9fa48("618") ? Math.max(frame.length, offset + SLICE_BYTES) : (stryCov_9fa48("618"), Math.min(frame.length, stryMutAct_9fa48("619") ? offset - SLICE_BYTES : (stryCov_9fa48("619"), offset + SLICE_BYTES)));
        // A copy, not a view: a view in the socket's queue would keep the whole frame alive.
        connection.write((stryMutAct_9fa48("623") ? frame.length > SLICE_BYTES : stryMutAct_9fa48("622") ? frame.length < SLICE_BYTES : stryMutAct_9fa48("621") ? false : stryMutAct_9fa48("620") ? true : (stryCov_9fa48("620", "621", "622", "623"), frame.length <= SLICE_BYTES)) ? frame : Buffer.from(frame.subarray(offset, end)));
        offset = end;
      }
    }
    if (stryMutAct_9fa48("626") ? connection.bufferedBytes > 0 || !(await drained(connection)) : stryMutAct_9fa48("625") ? false : stryMutAct_9fa48("624") ? true : (stryCov_9fa48("624", "625", "626"), (stryMutAct_9fa48("629") ? connection.bufferedBytes <= 0 : stryMutAct_9fa48("628") ? connection.bufferedBytes >= 0 : stryMutAct_9fa48("627") ? true : (stryCov_9fa48("627", "628", "629"), connection.bufferedBytes > 0)) && (stryMutAct_9fa48("630") ? await drained(connection) : (stryCov_9fa48("630"), !(await drained(connection)))))) return stryMutAct_9fa48("631") ? true : (stryCov_9fa48("631"), false);
    return isOpen();
  }
}

/** Waits for the socket to drain; false (and the connection destroyed) after a stall. */
function drained(connection: Connection): Promise<boolean> {
  if (stryMutAct_9fa48("632")) {
    {}
  } else {
    stryCov_9fa48("632");
    return new Promise(resolve => {
      if (stryMutAct_9fa48("633")) {
        {}
      } else {
        stryCov_9fa48("633");
        const timer = setTimeout(() => {
          if (stryMutAct_9fa48("634")) {
            {}
          } else {
            stryCov_9fa48("634");
            connection.destroy();
            resolve(stryMutAct_9fa48("635") ? true : (stryCov_9fa48("635"), false));
          }
        }, STALL_MS);
        connection.onDrain(() => {
          if (stryMutAct_9fa48("636")) {
            {}
          } else {
            stryCov_9fa48("636");
            clearTimeout(timer);
            resolve(stryMutAct_9fa48("637") ? false : (stryCov_9fa48("637"), true));
          }
        });
      }
    });
  }
}