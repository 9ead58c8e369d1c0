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
import type { EventInput } from '../log/event-log.js';
import { assertFieldValue } from '../protocol/encoder.js';
import { assertValueDepth } from '../protocol/json-depth.js';
import { assertTopic } from '../protocol/topic.js';
import { CONTROL_EVENTS } from '../protocol/wire.js';

/** What a publisher sends: `POST /publish` bodies and `hub.publish()` arguments. */
export interface PublishInput {
  topic: string | readonly string[];
  type?: string | undefined;
  /** A string is sent as is; any other JSON value is sent as its JSON text. */
  data: unknown;
}
export interface PublishLimits {
  maxEventBytes: number;
  maxTopicsPerEvent: number;
}
const MAX_TYPE_LENGTH = 128;
/** Topics under this root carry collection change events; publishers cannot forge them. */
const RESERVED_ROOT = stryMutAct_9fa48("403") ? "" : (stryCov_9fa48("403"), 'collections');

/** Validates a publish request and turns it into a log entry; throws SseHubError naming the problem. */
export function toEventInput(body: unknown, limits: PublishLimits): EventInput {
  if (stryMutAct_9fa48("404")) {
    {}
  } else {
    stryCov_9fa48("404");
    if (stryMutAct_9fa48("407") ? (typeof body !== 'object' || body === null) && Array.isArray(body) : stryMutAct_9fa48("406") ? false : stryMutAct_9fa48("405") ? true : (stryCov_9fa48("405", "406", "407"), (stryMutAct_9fa48("409") ? typeof body !== 'object' && body === null : stryMutAct_9fa48("408") ? false : (stryCov_9fa48("408", "409"), (stryMutAct_9fa48("411") ? typeof body === 'object' : stryMutAct_9fa48("410") ? false : (stryCov_9fa48("410", "411"), typeof body !== (stryMutAct_9fa48("412") ? "" : (stryCov_9fa48("412"), 'object')))) || (stryMutAct_9fa48("414") ? body !== null : stryMutAct_9fa48("413") ? false : (stryCov_9fa48("413", "414"), body === null)))) || Array.isArray(body))) {
      if (stryMutAct_9fa48("415")) {
        {}
      } else {
        stryCov_9fa48("415");
        throw new SseHubError(stryMutAct_9fa48("416") ? "" : (stryCov_9fa48("416"), 'INVALID_BODY'), stryMutAct_9fa48("417") ? "" : (stryCov_9fa48("417"), 'The body must be a JSON object: {"topic": "...", "data": ...}'));
      }
    }
    const {
      topic,
      type,
      data
    } = body as Record<string, unknown>;
    if (stryMutAct_9fa48("420") ? (topic === undefined || topic === null) && Array.isArray(topic) && topic.length === 0 : stryMutAct_9fa48("419") ? false : stryMutAct_9fa48("418") ? true : (stryCov_9fa48("418", "419", "420"), (stryMutAct_9fa48("422") ? topic === undefined && topic === null : stryMutAct_9fa48("421") ? false : (stryCov_9fa48("421", "422"), (stryMutAct_9fa48("424") ? topic !== undefined : stryMutAct_9fa48("423") ? false : (stryCov_9fa48("423", "424"), topic === undefined)) || (stryMutAct_9fa48("426") ? topic !== null : stryMutAct_9fa48("425") ? false : (stryCov_9fa48("425", "426"), topic === null)))) || (stryMutAct_9fa48("428") ? Array.isArray(topic) || topic.length === 0 : stryMutAct_9fa48("427") ? false : (stryCov_9fa48("427", "428"), Array.isArray(topic) && (stryMutAct_9fa48("430") ? topic.length !== 0 : stryMutAct_9fa48("429") ? true : (stryCov_9fa48("429", "430"), topic.length === 0)))))) {
      if (stryMutAct_9fa48("431")) {
        {}
      } else {
        stryCov_9fa48("431");
        throw new SseHubError(stryMutAct_9fa48("432") ? "" : (stryCov_9fa48("432"), 'MISSING_TOPIC'), stryMutAct_9fa48("433") ? "" : (stryCov_9fa48("433"), 'The "topic" field is required: a topic name or a non-empty array of them'));
      }
    }
    const topics = Array.isArray(topic) ? topic : stryMutAct_9fa48("434") ? [] : (stryCov_9fa48("434"), [topic]);
    if (stryMutAct_9fa48("438") ? topics.length <= limits.maxTopicsPerEvent : stryMutAct_9fa48("437") ? topics.length >= limits.maxTopicsPerEvent : stryMutAct_9fa48("436") ? false : stryMutAct_9fa48("435") ? true : (stryCov_9fa48("435", "436", "437", "438"), topics.length > limits.maxTopicsPerEvent)) {
      if (stryMutAct_9fa48("439")) {
        {}
      } else {
        stryCov_9fa48("439");
        throw new SseHubError(stryMutAct_9fa48("440") ? "" : (stryCov_9fa48("440"), 'TOO_MANY_TOPICS'), stryMutAct_9fa48("441") ? `` : (stryCov_9fa48("441"), `An event may go to at most ${limits.maxTopicsPerEvent} topics; got ${topics.length}`));
      }
    }
    const unique = stryMutAct_9fa48("442") ? [] : (stryCov_9fa48("442"), [...new Set(topics.map(assertTopic))]);
    const reserved = unique.find(stryMutAct_9fa48("443") ? () => undefined : (stryCov_9fa48("443"), t => stryMutAct_9fa48("446") ? t === RESERVED_ROOT && t.startsWith(`${RESERVED_ROOT}/`) : stryMutAct_9fa48("445") ? false : stryMutAct_9fa48("444") ? true : (stryCov_9fa48("444", "445", "446"), (stryMutAct_9fa48("448") ? t !== RESERVED_ROOT : stryMutAct_9fa48("447") ? false : (stryCov_9fa48("447", "448"), t === RESERVED_ROOT)) || (stryMutAct_9fa48("449") ? t.endsWith(`${RESERVED_ROOT}/`) : (stryCov_9fa48("449"), t.startsWith(stryMutAct_9fa48("450") ? `` : (stryCov_9fa48("450"), `${RESERVED_ROOT}/`)))))));
    if (stryMutAct_9fa48("453") ? reserved === undefined : stryMutAct_9fa48("452") ? false : stryMutAct_9fa48("451") ? true : (stryCov_9fa48("451", "452", "453"), reserved !== undefined)) {
      if (stryMutAct_9fa48("454")) {
        {}
      } else {
        stryCov_9fa48("454");
        throw new SseHubError(stryMutAct_9fa48("455") ? "" : (stryCov_9fa48("455"), 'INVALID_TOPIC'), stryMutAct_9fa48("456") ? `` : (stryCov_9fa48("456"), `Topic "${reserved}" is reserved: change events under "${RESERVED_ROOT}/" come only from writes to live collections`));
      }
    }
    if (stryMutAct_9fa48("459") ? type !== undefined || type !== null : stryMutAct_9fa48("458") ? false : stryMutAct_9fa48("457") ? true : (stryCov_9fa48("457", "458", "459"), (stryMutAct_9fa48("461") ? type === undefined : stryMutAct_9fa48("460") ? true : (stryCov_9fa48("460", "461"), type !== undefined)) && (stryMutAct_9fa48("463") ? type === null : stryMutAct_9fa48("462") ? true : (stryCov_9fa48("462", "463"), type !== null)))) {
      if (stryMutAct_9fa48("464")) {
        {}
      } else {
        stryCov_9fa48("464");
        if (stryMutAct_9fa48("467") ? (typeof type !== 'string' || type.length === 0) && type.length > MAX_TYPE_LENGTH : stryMutAct_9fa48("466") ? false : stryMutAct_9fa48("465") ? true : (stryCov_9fa48("465", "466", "467"), (stryMutAct_9fa48("469") ? typeof type !== 'string' && type.length === 0 : stryMutAct_9fa48("468") ? false : (stryCov_9fa48("468", "469"), (stryMutAct_9fa48("471") ? typeof type === 'string' : stryMutAct_9fa48("470") ? false : (stryCov_9fa48("470", "471"), typeof type !== (stryMutAct_9fa48("472") ? "" : (stryCov_9fa48("472"), 'string')))) || (stryMutAct_9fa48("474") ? type.length !== 0 : stryMutAct_9fa48("473") ? false : (stryCov_9fa48("473", "474"), type.length === 0)))) || (stryMutAct_9fa48("477") ? type.length <= MAX_TYPE_LENGTH : stryMutAct_9fa48("476") ? type.length >= MAX_TYPE_LENGTH : stryMutAct_9fa48("475") ? false : (stryCov_9fa48("475", "476", "477"), type.length > MAX_TYPE_LENGTH)))) {
          if (stryMutAct_9fa48("478")) {
            {}
          } else {
            stryCov_9fa48("478");
            throw new SseHubError(stryMutAct_9fa48("479") ? "" : (stryCov_9fa48("479"), 'INVALID_TYPE'), stryMutAct_9fa48("480") ? `` : (stryCov_9fa48("480"), `The "type" field must be a string of 1 to ${MAX_TYPE_LENGTH} characters`));
          }
        }
        try {
          if (stryMutAct_9fa48("481")) {
            {}
          } else {
            stryCov_9fa48("481");
            assertFieldValue(stryMutAct_9fa48("482") ? "" : (stryCov_9fa48("482"), 'event'), type);
          }
        } catch {
          if (stryMutAct_9fa48("483")) {
            {}
          } else {
            stryCov_9fa48("483");
            throw new SseHubError(stryMutAct_9fa48("484") ? "" : (stryCov_9fa48("484"), 'INVALID_TYPE'), stryMutAct_9fa48("485") ? "" : (stryCov_9fa48("485"), 'The "type" field must not contain CR, LF or NUL characters'));
          }
        }
        if (stryMutAct_9fa48("487") ? false : stryMutAct_9fa48("486") ? true : (stryCov_9fa48("486", "487"), CONTROL_EVENTS.includes(type))) {
          if (stryMutAct_9fa48("488")) {
            {}
          } else {
            stryCov_9fa48("488");
            throw new SseHubError(stryMutAct_9fa48("489") ? "" : (stryCov_9fa48("489"), 'RESERVED_TYPE'), stryMutAct_9fa48("490") ? `` : (stryCov_9fa48("490"), `The event type "${type}" is reserved: the hub sends it to steer clients, publishers cannot`));
          }
        }
      }
    }
    if (stryMutAct_9fa48("493") ? data !== undefined : stryMutAct_9fa48("492") ? false : stryMutAct_9fa48("491") ? true : (stryCov_9fa48("491", "492", "493"), data === undefined)) throw new SseHubError(stryMutAct_9fa48("494") ? "" : (stryCov_9fa48("494"), 'INVALID_DATA'), stryMutAct_9fa48("495") ? "" : (stryCov_9fa48("495"), 'The "data" field is required'));
    if (stryMutAct_9fa48("498") ? typeof data !== 'object' : stryMutAct_9fa48("497") ? false : stryMutAct_9fa48("496") ? true : (stryCov_9fa48("496", "497", "498"), typeof data === (stryMutAct_9fa48("499") ? "" : (stryCov_9fa48("499"), 'object')))) assertValueDepth(data);
    const text = (stryMutAct_9fa48("502") ? typeof data !== 'string' : stryMutAct_9fa48("501") ? false : stryMutAct_9fa48("500") ? true : (stryCov_9fa48("500", "501", "502"), typeof data === (stryMutAct_9fa48("503") ? "" : (stryCov_9fa48("503"), 'string')))) ? data : JSON.stringify(data);
    if (stryMutAct_9fa48("506") ? text !== '' : stryMutAct_9fa48("505") ? false : stryMutAct_9fa48("504") ? true : (stryCov_9fa48("504", "505", "506"), text === (stryMutAct_9fa48("507") ? "Stryker was here!" : (stryCov_9fa48("507"), '')))) throw new SseHubError(stryMutAct_9fa48("508") ? "" : (stryCov_9fa48("508"), 'INVALID_DATA'), stryMutAct_9fa48("509") ? "" : (stryCov_9fa48("509"), 'The "data" field must not be empty'));
    const size = Buffer.byteLength(text, stryMutAct_9fa48("510") ? "" : (stryCov_9fa48("510"), 'utf8'));
    if (stryMutAct_9fa48("514") ? size <= limits.maxEventBytes : stryMutAct_9fa48("513") ? size >= limits.maxEventBytes : stryMutAct_9fa48("512") ? false : stryMutAct_9fa48("511") ? true : (stryCov_9fa48("511", "512", "513", "514"), size > limits.maxEventBytes)) {
      if (stryMutAct_9fa48("515")) {
        {}
      } else {
        stryCov_9fa48("515");
        throw new SseHubError(stryMutAct_9fa48("516") ? "" : (stryCov_9fa48("516"), 'PAYLOAD_TOO_LARGE'), stryMutAct_9fa48("517") ? `` : (stryCov_9fa48("517"), `The event data is ${size} bytes; the limit is ${limits.maxEventBytes} bytes`));
      }
    }
    return stryMutAct_9fa48("518") ? {} : (stryCov_9fa48("518"), {
      topics: unique,
      type: stryMutAct_9fa48("519") ? type as string | null | undefined && undefined : (stryCov_9fa48("519"), type as string | null | undefined ?? undefined),
      data: text
    });
  }
}