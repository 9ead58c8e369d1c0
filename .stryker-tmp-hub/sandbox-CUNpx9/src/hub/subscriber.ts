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
import type { Ticket } from './admission.js';
import type { Connection } from './connection.js';
import type { EncodedEvent } from './encoded-event.js';
export type SubscriberState = 'replaying' | 'live' | 'closed';
export type CloseReason = 'client' | 'slow-consumer' | 'lifetime' | 'token-expired' | 'shutdown' | 'error';

/**
 * One client stream. While it replays history it parks live events in `pending`;
 * once live it writes each batch as one chunk. `lastSeq` is the log position up to
 * which the client is complete, so nothing is written twice across the
 * replay/live boundary.
 */
export class Subscriber {
  static #nextId = 1;
  readonly id = stryMutAct_9fa48("638") ? Subscriber.#nextId-- : (stryCov_9fa48("638"), Subscriber.#nextId++);
  /** What the stream was admitted with; replaced when the client hands over a fresh token. */
  ticket: Ticket;
  readonly connection: Connection;
  readonly openedAt: number;
  /** When the maximum connection lifetime ends the stream. */
  readonly lifetimeEndsAt: number;
  state: SubscriberState = stryMutAct_9fa48("639") ? "" : (stryCov_9fa48("639"), 'replaying');
  lastSeq = 0;
  lastWriteAt: number;
  closeReason: CloseReason | undefined;
  /** The id a fresh token is posted to (token-authenticated streams only). */
  session: string | undefined;
  #pending: EncodedEvent[] = stryMutAct_9fa48("640") ? ["Stryker was here"] : (stryCov_9fa48("640"), []);
  #pendingBytes = 0;
  readonly #maxBufferBytes: number;
  constructor(options: {
    connection: Connection;
    ticket: Ticket;
    maxBufferBytes: number;
    now: number;
    lifetimeMs: number | undefined;
  }) {
    if (stryMutAct_9fa48("641")) {
      {}
    } else {
      stryCov_9fa48("641");
      this.connection = options.connection;
      this.ticket = options.ticket;
      this.#maxBufferBytes = options.maxBufferBytes;
      this.openedAt = options.now;
      this.lastWriteAt = options.now;
      // Jitter of ±10% so clients opened together do not all reconnect together.
      this.lifetimeEndsAt = (stryMutAct_9fa48("644") ? options.lifetimeMs !== undefined : stryMutAct_9fa48("643") ? false : stryMutAct_9fa48("642") ? true : (stryCov_9fa48("642", "643", "644"), options.lifetimeMs === undefined)) ? Number.POSITIVE_INFINITY : stryMutAct_9fa48("645") ? options.now - options.lifetimeMs * (0.9 + Math.random() * 0.2) : (stryCov_9fa48("645"), options.now + (stryMutAct_9fa48("646") ? options.lifetimeMs / (0.9 + Math.random() * 0.2) : (stryCov_9fa48("646"), options.lifetimeMs * (stryMutAct_9fa48("647") ? 0.9 - Math.random() * 0.2 : (stryCov_9fa48("647"), 0.9 + (stryMutAct_9fa48("648") ? Math.random() / 0.2 : (stryCov_9fa48("648"), Math.random() * 0.2)))))));
    }
  }

  /** Why the stream must end by `now`, if it must: its lifetime or its token ran out. */
  expiry(now: number): CloseReason | undefined {
    if (stryMutAct_9fa48("649")) {
      {}
    } else {
      stryCov_9fa48("649");
      const tokenEnd = this.ticket.principal.expiresAt;
      if (stryMutAct_9fa48("652") ? tokenEnd !== undefined || now >= tokenEnd : stryMutAct_9fa48("651") ? false : stryMutAct_9fa48("650") ? true : (stryCov_9fa48("650", "651", "652"), (stryMutAct_9fa48("654") ? tokenEnd === undefined : stryMutAct_9fa48("653") ? true : (stryCov_9fa48("653", "654"), tokenEnd !== undefined)) && (stryMutAct_9fa48("657") ? now < tokenEnd : stryMutAct_9fa48("656") ? now > tokenEnd : stryMutAct_9fa48("655") ? true : (stryCov_9fa48("655", "656", "657"), now >= tokenEnd)))) return stryMutAct_9fa48("658") ? "" : (stryCov_9fa48("658"), 'token-expired');
      if (stryMutAct_9fa48("662") ? now < this.lifetimeEndsAt : stryMutAct_9fa48("661") ? now > this.lifetimeEndsAt : stryMutAct_9fa48("660") ? false : stryMutAct_9fa48("659") ? true : (stryCov_9fa48("659", "660", "661", "662"), now >= this.lifetimeEndsAt)) return stryMutAct_9fa48("663") ? "" : (stryCov_9fa48("663"), 'lifetime');
      return undefined;
    }
  }

  /**
   * Delivers a batch of matching live events, `chunk` being their frames joined.
   * The same chunk object goes to every subscriber of the same topics.
   */
  deliver(chunk: Buffer, events: readonly EncodedEvent[], now: number): void {
    if (stryMutAct_9fa48("664")) {
      {}
    } else {
      stryCov_9fa48("664");
      if (stryMutAct_9fa48("667") ? this.state !== 'live' : stryMutAct_9fa48("666") ? false : stryMutAct_9fa48("665") ? true : (stryCov_9fa48("665", "666", "667"), this.state === (stryMutAct_9fa48("668") ? "" : (stryCov_9fa48("668"), 'live')))) {
        if (stryMutAct_9fa48("669")) {
          {}
        } else {
          stryCov_9fa48("669");
          const last = (events[events.length - 1] as EncodedEvent).event.seq;
          if (stryMutAct_9fa48("673") ? last > this.lastSeq : stryMutAct_9fa48("672") ? last < this.lastSeq : stryMutAct_9fa48("671") ? false : stryMutAct_9fa48("670") ? true : (stryCov_9fa48("670", "671", "672", "673"), last <= this.lastSeq)) return;
          if (stryMutAct_9fa48("677") ? (events[0] as EncodedEvent).event.seq > this.lastSeq : stryMutAct_9fa48("676") ? (events[0] as EncodedEvent).event.seq < this.lastSeq : stryMutAct_9fa48("675") ? false : stryMutAct_9fa48("674") ? true : (stryCov_9fa48("674", "675", "676", "677"), (events[0] as EncodedEvent).event.seq <= this.lastSeq)) {
            if (stryMutAct_9fa48("678")) {
              {}
            } else {
              stryCov_9fa48("678");
              this.#writeEvents(events, now);
              return;
            }
          }
          this.lastSeq = last;
          this.write(chunk, now);
        }
      } else if (stryMutAct_9fa48("681") ? this.state !== 'replaying' : stryMutAct_9fa48("680") ? false : stryMutAct_9fa48("679") ? true : (stryCov_9fa48("679", "680", "681"), this.state === (stryMutAct_9fa48("682") ? "" : (stryCov_9fa48("682"), 'replaying')))) {
        if (stryMutAct_9fa48("683")) {
          {}
        } else {
          stryCov_9fa48("683");
          for (const e of events) {
            if (stryMutAct_9fa48("684")) {
              {}
            } else {
              stryCov_9fa48("684");
              this.#pending.push(e);
              stryMutAct_9fa48("685") ? this.#pendingBytes -= e.frame.length : (stryCov_9fa48("685"), this.#pendingBytes += e.frame.length);
            }
          }
          if (stryMutAct_9fa48("689") ? this.#pendingBytes <= this.#maxBufferBytes : stryMutAct_9fa48("688") ? this.#pendingBytes >= this.#maxBufferBytes : stryMutAct_9fa48("687") ? false : stryMutAct_9fa48("686") ? true : (stryCov_9fa48("686", "687", "688", "689"), this.#pendingBytes > this.#maxBufferBytes)) this.close(stryMutAct_9fa48("690") ? "" : (stryCov_9fa48("690"), 'slow-consumer'));
        }
      }
    }
  }

  /** Ends the replay: writes parked events newer than `lastSeq` and goes live. */
  goLive(now: number): void {
    if (stryMutAct_9fa48("691")) {
      {}
    } else {
      stryCov_9fa48("691");
      if (stryMutAct_9fa48("694") ? this.state === 'replaying' : stryMutAct_9fa48("693") ? false : stryMutAct_9fa48("692") ? true : (stryCov_9fa48("692", "693", "694"), this.state !== (stryMutAct_9fa48("695") ? "" : (stryCov_9fa48("695"), 'replaying')))) return;
      const pending = this.#pending;
      this.#pending = stryMutAct_9fa48("696") ? ["Stryker was here"] : (stryCov_9fa48("696"), []);
      this.#pendingBytes = 0;
      this.state = stryMutAct_9fa48("697") ? "" : (stryCov_9fa48("697"), 'live');
      if (stryMutAct_9fa48("701") ? pending.length <= 0 : stryMutAct_9fa48("700") ? pending.length >= 0 : stryMutAct_9fa48("699") ? false : stryMutAct_9fa48("698") ? true : (stryCov_9fa48("698", "699", "700", "701"), pending.length > 0)) this.#writeEvents(pending, now);
    }
  }
  #writeEvents(events: readonly EncodedEvent[], now: number): void {
    if (stryMutAct_9fa48("702")) {
      {}
    } else {
      stryCov_9fa48("702");
      const fresh = stryMutAct_9fa48("703") ? events : (stryCov_9fa48("703"), events.filter(stryMutAct_9fa48("704") ? () => undefined : (stryCov_9fa48("704"), e => stryMutAct_9fa48("708") ? e.event.seq <= this.lastSeq : stryMutAct_9fa48("707") ? e.event.seq >= this.lastSeq : stryMutAct_9fa48("706") ? false : stryMutAct_9fa48("705") ? true : (stryCov_9fa48("705", "706", "707", "708"), e.event.seq > this.lastSeq))));
      if (stryMutAct_9fa48("711") ? fresh.length !== 0 : stryMutAct_9fa48("710") ? false : stryMutAct_9fa48("709") ? true : (stryCov_9fa48("709", "710", "711"), fresh.length === 0)) return;
      this.lastSeq = (fresh[fresh.length - 1] as EncodedEvent).event.seq;
      this.write((stryMutAct_9fa48("714") ? fresh.length !== 1 : stryMutAct_9fa48("713") ? false : stryMutAct_9fa48("712") ? true : (stryCov_9fa48("712", "713", "714"), fresh.length === 1)) ? (fresh[0] as EncodedEvent).frame : Buffer.concat(fresh.map(stryMutAct_9fa48("715") ? () => undefined : (stryCov_9fa48("715"), e => e.frame))), now);
    }
  }

  /**
   * Writes raw bytes unless that would push the connection's queue past its bound;
   * then the subscriber is dropped (it resumes from the log when it returns).
   * Memory per connection stays below the bound plus one chunk.
   */
  write(chunk: Buffer, now: number): boolean {
    if (stryMutAct_9fa48("716")) {
      {}
    } else {
      stryCov_9fa48("716");
      if (stryMutAct_9fa48("719") ? this.state !== 'closed' : stryMutAct_9fa48("718") ? false : stryMutAct_9fa48("717") ? true : (stryCov_9fa48("717", "718", "719"), this.state === (stryMutAct_9fa48("720") ? "" : (stryCov_9fa48("720"), 'closed')))) return stryMutAct_9fa48("721") ? true : (stryCov_9fa48("721"), false);
      if (stryMutAct_9fa48("724") ? false : stryMutAct_9fa48("723") ? true : stryMutAct_9fa48("722") ? this.hasRoomFor(chunk.length) : (stryCov_9fa48("722", "723", "724"), !this.hasRoomFor(chunk.length))) {
        if (stryMutAct_9fa48("725")) {
          {}
        } else {
          stryCov_9fa48("725");
          this.close(stryMutAct_9fa48("726") ? "" : (stryCov_9fa48("726"), 'slow-consumer'));
          return stryMutAct_9fa48("727") ? true : (stryCov_9fa48("727"), false);
        }
      }
      this.lastWriteAt = now;
      this.connection.write(chunk);
      return stryMutAct_9fa48("728") ? false : (stryCov_9fa48("728"), true);
    }
  }

  /**
   * Whether `bytes` more fit under the connection's bound. An empty queue always
   * takes one chunk, so an event larger than the bound still goes out.
   */
  hasRoomFor(bytes: number): boolean {
    if (stryMutAct_9fa48("729")) {
      {}
    } else {
      stryCov_9fa48("729");
      const queued = this.connection.bufferedBytes;
      return stryMutAct_9fa48("732") ? queued === 0 && queued + bytes <= this.#maxBufferBytes : stryMutAct_9fa48("731") ? false : stryMutAct_9fa48("730") ? true : (stryCov_9fa48("730", "731", "732"), (stryMutAct_9fa48("734") ? queued !== 0 : stryMutAct_9fa48("733") ? false : (stryCov_9fa48("733", "734"), queued === 0)) || (stryMutAct_9fa48("737") ? queued + bytes > this.#maxBufferBytes : stryMutAct_9fa48("736") ? queued + bytes < this.#maxBufferBytes : stryMutAct_9fa48("735") ? false : (stryCov_9fa48("735", "736", "737"), (stryMutAct_9fa48("738") ? queued - bytes : (stryCov_9fa48("738"), queued + bytes)) <= this.#maxBufferBytes)));
    }
  }

  /** Releases the subscriber; `abort` drops queued bytes (slow consumers, errors). */
  close(reason: CloseReason): void {
    if (stryMutAct_9fa48("739")) {
      {}
    } else {
      stryCov_9fa48("739");
      if (stryMutAct_9fa48("742") ? this.state !== 'closed' : stryMutAct_9fa48("741") ? false : stryMutAct_9fa48("740") ? true : (stryCov_9fa48("740", "741", "742"), this.state === (stryMutAct_9fa48("743") ? "" : (stryCov_9fa48("743"), 'closed')))) return;
      this.state = stryMutAct_9fa48("744") ? "" : (stryCov_9fa48("744"), 'closed');
      this.closeReason = reason;
      this.#pending = stryMutAct_9fa48("745") ? ["Stryker was here"] : (stryCov_9fa48("745"), []);
      if (stryMutAct_9fa48("748") ? reason === 'slow-consumer' && reason === 'error' : stryMutAct_9fa48("747") ? false : stryMutAct_9fa48("746") ? true : (stryCov_9fa48("746", "747", "748"), (stryMutAct_9fa48("750") ? reason !== 'slow-consumer' : stryMutAct_9fa48("749") ? false : (stryCov_9fa48("749", "750"), reason === (stryMutAct_9fa48("751") ? "" : (stryCov_9fa48("751"), 'slow-consumer')))) || (stryMutAct_9fa48("753") ? reason !== 'error' : stryMutAct_9fa48("752") ? false : (stryCov_9fa48("752", "753"), reason === (stryMutAct_9fa48("754") ? "" : (stryCov_9fa48("754"), 'error')))))) this.connection.destroy();else this.connection.end();
    }
  }
}