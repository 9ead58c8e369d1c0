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
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { assertMayPublish, forbidden } from '../auth/access.js';
import { OPEN_PRINCIPAL, type Principal } from '../auth/principal.js';
import { overlapping, permitMatcher } from '../auth/rights.js';
import { SseHubError } from '../errors.js';
import { formatEventId, parseEventId } from '../log/event-id.js';
import type { EventLog, LogPosition, StoredEvent } from '../log/event-log.js';
import { encodeComment, encodeMessageBytes } from '../protocol/encoder.js';
import { assertTopicPattern, compilePatterns } from '../protocol/topic.js';
import { SESSION_EVENT, type SessionData } from '../protocol/wire.js';
import { type EventView, type StreamRequest, selectFor, type Ticket, type ViewProvider } from './admission.js';
import type { Connection } from './connection.js';
import { concatFrames, type EncodedEvent, encodeEvent } from './encoded-event.js';
import { type PublishInput, toEventInput } from './publish-input.js';
import { RecentEvents } from './recent-events.js';
import { type ResetReason, resetFrame } from './reset.js';
import { writeSliced } from './sliced-write.js';
import { type CloseReason, Subscriber } from './subscriber.js';
import { normalizePatterns, SubscriptionIndex, type TopicGroup } from './subscription-index.js';
import { UnsentBudget } from './unsent-budget.js';
export interface HubSettings {
  heartbeatMs: number;
  retryMs: number;
  maxBufferBytes: number;
  maxConnectionLifetimeMs?: number | undefined;
  maxConnections?: number | undefined;
  /** Open streams per identity (token `sub`, or address when anonymous); undefined for no limit. */
  maxStreamsPerClient?: number | undefined;
  maxEventBytes: number;
  maxTopicsPerConnection: number;
  maxTopicsPerEvent: number;
  recentEvents: number;
  /** Byte bound of the recent-events cache (unbounded if unset). */
  recentEventsBytes?: number | undefined;
  /** Global cap on unsent bytes: snapshots being sent plus stream queues (see UnsentBudget); unbounded if unset. */
  maxUnsentBytes?: number | undefined;
  retention: {
    maxEvents: number | undefined;
    maxAgeMs: number | undefined;
  };
  retentionIntervalMs: number;
}

/** How a started stream begins, before history or live events. */
export interface StartOptions {
  /** Resume after this id instead of the request's own (a live query resumes from its snapshot). */
  from?: string | undefined;
  /**
   * Frames written right after `retry:` (a live query's snapshot), counted
   * against the connection's bound like any other write.
   */
  prelude?: readonly Buffer[];
}
export interface HubStats {
  connections: number;
  published: number;
  delivered: number;
  slowConsumerDisconnects: number;
  recentEventsBytes?: number;
  unsentBytes?: number;
}
const REPLAY_PAGE = 500;
const REPLAY_CHUNK_BYTES = stryMutAct_9fa48("54") ? 64 / 1024 : (stryCov_9fa48("54"), 64 * 1024);
const SWEEP_MS = 1000;

/**
 * The hub core: validates and appends publishes, fans the log's live feed out to
 * subscribers (each batch encoded once, one chunk per topic group), and replays
 * history to resuming clients with no gap and no duplicate at the boundary.
 * It knows nothing of HTTP: transports hand it {@link Connection}s.
 */
export class Hub {
  readonly log: EventLog;
  readonly settings: HubSettings;
  readonly #logger: Logger;
  readonly #index = new SubscriptionIndex();
  readonly #recent: RecentEvents;
  /** Memory held for data sockets have not taken yet, beyond each stream's own bound. */
  readonly unsent: UnsentBudget;
  readonly #heartbeat = encodeComment();
  readonly #retryFrame: Buffer;
  #queue: EncodedEvent[] = stryMutAct_9fa48("55") ? ["Stryker was here"] : (stryCov_9fa48("55"), []);
  #flushScheduled = stryMutAct_9fa48("56") ? true : (stryCov_9fa48("56"), false);
  #routeMark = 0;
  #timers: NodeJS.Timeout[] = stryMutAct_9fa48("57") ? ["Stryker was here"] : (stryCov_9fa48("57"), []);
  #unsubscribeLog: (() => void) | undefined;
  #closing = stryMutAct_9fa48("58") ? true : (stryCov_9fa48("58"), false);
  #stats: HubStats = stryMutAct_9fa48("59") ? {} : (stryCov_9fa48("59"), {
    connections: 0,
    published: 0,
    delivered: 0,
    slowConsumerDisconnects: 0
  });
  #viewProvider: ViewProvider | undefined;
  /** Admitted tickets not yet started: they hold a slot under maxConnections. */
  #reserved = 0;
  readonly #waiting = new WeakSet<Ticket>();
  /** Open or reserved streams per quota key. */
  readonly #perClient = new Map<string, number>();
  /** Token-authenticated streams by session id, for in-place token refresh. */
  readonly #sessions = new Map<string, Subscriber>();
  constructor(log: EventLog, settings: HubSettings, logger: Logger) {
    if (stryMutAct_9fa48("60")) {
      {}
    } else {
      stryCov_9fa48("60");
      this.log = log;
      this.settings = settings;
      this.#logger = logger;
      this.#recent = new RecentEvents(settings.recentEvents, settings.recentEventsBytes);
      this.unsent = new UnsentBudget(stryMutAct_9fa48("61") ? settings.maxUnsentBytes && Number.POSITIVE_INFINITY : (stryCov_9fa48("61"), settings.maxUnsentBytes ?? Number.POSITIVE_INFINITY));
      this.#retryFrame = encodeMessageBytes(stryMutAct_9fa48("62") ? {} : (stryCov_9fa48("62"), {
        retry: settings.retryMs
      }));
    }
  }

  /** Opens the log and starts the live feed, heartbeats and retention. */
  async start(): Promise<void> {
    if (stryMutAct_9fa48("63")) {
      {}
    } else {
      stryCov_9fa48("63");
      await this.log.open();
      this.#unsubscribeLog = this.log.onAppend(stryMutAct_9fa48("64") ? () => undefined : (stryCov_9fa48("64"), events => this.#enqueue(events)));
      stryMutAct_9fa48("65") ? this.log.onEpochChange(position => this.#resetAll(position)) : (stryCov_9fa48("65"), this.log.onEpochChange?.(stryMutAct_9fa48("66") ? () => undefined : (stryCov_9fa48("66"), position => this.#resetAll(position))));
      this.#timers.push(setInterval(stryMutAct_9fa48("67") ? () => undefined : (stryCov_9fa48("67"), () => this.#sweep()), stryMutAct_9fa48("68") ? Math.max(SWEEP_MS, this.settings.heartbeatMs) : (stryCov_9fa48("68"), Math.min(SWEEP_MS, this.settings.heartbeatMs))).unref());
      const {
        maxEvents,
        maxAgeMs
      } = this.settings.retention;
      if (stryMutAct_9fa48("71") ? maxEvents !== undefined && maxAgeMs !== undefined : stryMutAct_9fa48("70") ? false : stryMutAct_9fa48("69") ? true : (stryCov_9fa48("69", "70", "71"), (stryMutAct_9fa48("73") ? maxEvents === undefined : stryMutAct_9fa48("72") ? false : (stryCov_9fa48("72", "73"), maxEvents !== undefined)) || (stryMutAct_9fa48("75") ? maxAgeMs === undefined : stryMutAct_9fa48("74") ? false : (stryCov_9fa48("74", "75"), maxAgeMs !== undefined)))) {
        if (stryMutAct_9fa48("76")) {
          {}
        } else {
          stryCov_9fa48("76");
          this.#timers.push(setInterval(stryMutAct_9fa48("77") ? () => undefined : (stryCov_9fa48("77"), () => void this.#trim()), this.settings.retentionIntervalMs).unref());
        }
      }
    }
  }
  get closing(): boolean {
    if (stryMutAct_9fa48("78")) {
      {}
    } else {
      stryCov_9fa48("78");
      return this.#closing;
    }
  }
  stats(): HubStats {
    if (stryMutAct_9fa48("79")) {
      {}
    } else {
      stryCov_9fa48("79");
      return stryMutAct_9fa48("80") ? {} : (stryCov_9fa48("80"), {
        ...this.#stats,
        connections: this.#index.size,
        recentEventsBytes: this.#recent.bytes,
        unsentBytes: this.unsent.used
      });
    }
  }

  /**
   * Plugs in how principals see events (collections filter their topics by read
   * rules). Set once at composition, before streams open.
   */
  useViews(provider: ViewProvider): void {
    if (stryMutAct_9fa48("81")) {
      {}
    } else {
      stryCov_9fa48("81");
      this.#viewProvider = provider;
    }
  }

  /**
   * Appends one event; resolves with it once the log holds it durably. Without a
   * principal the caller is trusted code (an embedding server).
   */
  async publish(input: PublishInput, principal: Principal = OPEN_PRINCIPAL): Promise<StoredEvent> {
    if (stryMutAct_9fa48("82")) {
      {}
    } else {
      stryCov_9fa48("82");
      if (stryMutAct_9fa48("84") ? false : stryMutAct_9fa48("83") ? true : (stryCov_9fa48("83", "84"), this.#closing)) throw new SseHubError(stryMutAct_9fa48("85") ? "" : (stryCov_9fa48("85"), 'SHUTTING_DOWN'), stryMutAct_9fa48("86") ? "" : (stryCov_9fa48("86"), 'The hub is shutting down'));
      const entry = toEventInput(input, this.settings);
      assertMayPublish(principal, entry.topics);
      const [stored] = await this.log.append(stryMutAct_9fa48("87") ? [] : (stryCov_9fa48("87"), [entry]));
      return stored as StoredEvent;
    }
  }

  /**
   * The one admission step of every stream (`/events`, live queries, other
   * protocols): validates the topics, decides what the principal may read
   * (requested ∩ permitted, 403 when that is nothing), picks its view (from the
   * provider plugged in with {@link useViews}, given the request's scope) and
   * reserves a slot under the hub's and the client's limits. Throws before any
   * response is written; hand the ticket to {@link startStream}, or cancel it.
   */
  admit(principal: Principal, request: StreamRequest): Ticket {
    if (stryMutAct_9fa48("88")) {
      {}
    } else {
      stryCov_9fa48("88");
      if (stryMutAct_9fa48("90") ? false : stryMutAct_9fa48("89") ? true : (stryCov_9fa48("89", "90"), this.#closing)) throw new SseHubError(stryMutAct_9fa48("91") ? "" : (stryCov_9fa48("91"), 'SHUTTING_DOWN'), stryMutAct_9fa48("92") ? "" : (stryCov_9fa48("92"), 'The hub is shutting down'));
      const patterns = this.#checkTopics(request.topics);
      const readable = overlapping(patterns, principal.rights.subscribe);
      if (stryMutAct_9fa48("95") ? readable.length !== 0 : stryMutAct_9fa48("94") ? false : stryMutAct_9fa48("93") ? true : (stryCov_9fa48("93", "94", "95"), readable.length === 0)) {
        if (stryMutAct_9fa48("96")) {
          {}
        } else {
          stryCov_9fa48("96");
          throw forbidden(principal, stryMutAct_9fa48("97") ? `` : (stryCov_9fa48("97"), `Reading ${patterns.map(stryMutAct_9fa48("98") ? () => undefined : (stryCov_9fa48("98"), p => stryMutAct_9fa48("99") ? `` : (stryCov_9fa48("99"), `"${p}"`))).join(stryMutAct_9fa48("100") ? "" : (stryCov_9fa48("100"), ', '))} is not permitted for this identity`));
        }
      }
      const permitted = normalizePatterns(principal.rights.subscribe);
      const view = stryMutAct_9fa48("101") ? this.#viewProvider(principal, request) : (stryCov_9fa48("101"), this.#viewProvider?.(principal, request));
      const quotaKey = (stryMutAct_9fa48("104") ? principal.sub === undefined : stryMutAct_9fa48("103") ? false : stryMutAct_9fa48("102") ? true : (stryCov_9fa48("102", "103", "104"), principal.sub !== undefined)) ? stryMutAct_9fa48("105") ? `` : (stryCov_9fa48("105"), `sub:${principal.sub}`) : stryMutAct_9fa48("106") ? `` : (stryCov_9fa48("106"), `addr:${stryMutAct_9fa48("107") ? request.clientAddress && '?' : (stryCov_9fa48("107"), request.clientAddress ?? (stryMutAct_9fa48("108") ? "" : (stryCov_9fa48("108"), '?')))}`);
      this.#reserve(quotaKey);
      const ticket: Ticket = stryMutAct_9fa48("109") ? {} : (stryCov_9fa48("109"), {
        principal,
        request,
        patterns,
        matches: compilePatterns(patterns),
        permits: permitMatcher(permitted),
        view,
        groupKey: stryMutAct_9fa48("110") ? `` : (stryCov_9fa48("110"), `${patterns.join(stryMutAct_9fa48("111") ? "" : (stryCov_9fa48("111"), ' '))}|${permitted.join(stryMutAct_9fa48("112") ? "" : (stryCov_9fa48("112"), ' '))}|${stryMutAct_9fa48("113") ? view?.key && '' : (stryCov_9fa48("113"), (stryMutAct_9fa48("114") ? view.key : (stryCov_9fa48("114"), view?.key)) ?? (stryMutAct_9fa48("115") ? "Stryker was here!" : (stryCov_9fa48("115"), '')))}`),
        quotaKey,
        cancel: () => {
          if (stryMutAct_9fa48("116")) {
            {}
          } else {
            stryCov_9fa48("116");
            // Only a ticket still waiting holds its reservation; a started stream gives it back on release.
            if (stryMutAct_9fa48("119") ? false : stryMutAct_9fa48("118") ? true : stryMutAct_9fa48("117") ? this.#waiting.delete(ticket) : (stryCov_9fa48("117", "118", "119"), !this.#waiting.delete(ticket))) return;
            stryMutAct_9fa48("120") ? this.#reserved++ : (stryCov_9fa48("120"), this.#reserved--);
            this.#unreserveClient(quotaKey);
          }
        }
      });
      this.#waiting.add(ticket);
      return ticket;
    }
  }
  #checkTopics(topics: readonly string[]): string[] {
    if (stryMutAct_9fa48("121")) {
      {}
    } else {
      stryCov_9fa48("121");
      if (stryMutAct_9fa48("124") ? topics.length !== 0 : stryMutAct_9fa48("123") ? false : stryMutAct_9fa48("122") ? true : (stryCov_9fa48("122", "123", "124"), topics.length === 0)) {
        if (stryMutAct_9fa48("125")) {
          {}
        } else {
          stryCov_9fa48("125");
          throw new SseHubError(stryMutAct_9fa48("126") ? "" : (stryCov_9fa48("126"), 'MISSING_TOPIC'), stryMutAct_9fa48("127") ? "" : (stryCov_9fa48("127"), 'Name at least one topic: /events?topic=chat (repeat topic= for more)'));
        }
      }
      if (stryMutAct_9fa48("131") ? topics.length <= this.settings.maxTopicsPerConnection : stryMutAct_9fa48("130") ? topics.length >= this.settings.maxTopicsPerConnection : stryMutAct_9fa48("129") ? false : stryMutAct_9fa48("128") ? true : (stryCov_9fa48("128", "129", "130", "131"), topics.length > this.settings.maxTopicsPerConnection)) {
        if (stryMutAct_9fa48("132")) {
          {}
        } else {
          stryCov_9fa48("132");
          throw new SseHubError(stryMutAct_9fa48("133") ? "" : (stryCov_9fa48("133"), 'TOO_MANY_TOPICS'), stryMutAct_9fa48("134") ? `` : (stryCov_9fa48("134"), `A stream may follow at most ${this.settings.maxTopicsPerConnection} topics; got ${topics.length}`));
        }
      }
      return normalizePatterns(topics.map(assertTopicPattern));
    }
  }
  #reserve(quotaKey: string): void {
    if (stryMutAct_9fa48("135")) {
      {}
    } else {
      stryCov_9fa48("135");
      const max = this.settings.maxConnections;
      if (stryMutAct_9fa48("138") ? max !== undefined || this.#index.size + this.#reserved >= max : stryMutAct_9fa48("137") ? false : stryMutAct_9fa48("136") ? true : (stryCov_9fa48("136", "137", "138"), (stryMutAct_9fa48("140") ? max === undefined : stryMutAct_9fa48("139") ? true : (stryCov_9fa48("139", "140"), max !== undefined)) && (stryMutAct_9fa48("143") ? this.#index.size + this.#reserved < max : stryMutAct_9fa48("142") ? this.#index.size + this.#reserved > max : stryMutAct_9fa48("141") ? true : (stryCov_9fa48("141", "142", "143"), (stryMutAct_9fa48("144") ? this.#index.size - this.#reserved : (stryCov_9fa48("144"), this.#index.size + this.#reserved)) >= max)))) {
        if (stryMutAct_9fa48("145")) {
          {}
        } else {
          stryCov_9fa48("145");
          throw new SseHubError(stryMutAct_9fa48("146") ? "" : (stryCov_9fa48("146"), 'TOO_MANY_CONNECTIONS'), stryMutAct_9fa48("147") ? `` : (stryCov_9fa48("147"), `The hub is at its limit of ${max} open streams; retry later`));
        }
      }
      const perClient = this.settings.maxStreamsPerClient;
      const open = stryMutAct_9fa48("148") ? this.#perClient.get(quotaKey) && 0 : (stryCov_9fa48("148"), this.#perClient.get(quotaKey) ?? 0);
      if (stryMutAct_9fa48("151") ? perClient !== undefined || open >= perClient : stryMutAct_9fa48("150") ? false : stryMutAct_9fa48("149") ? true : (stryCov_9fa48("149", "150", "151"), (stryMutAct_9fa48("153") ? perClient === undefined : stryMutAct_9fa48("152") ? true : (stryCov_9fa48("152", "153"), perClient !== undefined)) && (stryMutAct_9fa48("156") ? open < perClient : stryMutAct_9fa48("155") ? open > perClient : stryMutAct_9fa48("154") ? true : (stryCov_9fa48("154", "155", "156"), open >= perClient)))) {
        if (stryMutAct_9fa48("157")) {
          {}
        } else {
          stryCov_9fa48("157");
          throw new SseHubError(stryMutAct_9fa48("158") ? "" : (stryCov_9fa48("158"), 'TOO_MANY_STREAMS'), stryMutAct_9fa48("159") ? `` : (stryCov_9fa48("159"), `This client already has ${open} open streams, the limit per client; close one or retry later`));
        }
      }
      this.#perClient.set(quotaKey, stryMutAct_9fa48("160") ? open - 1 : (stryCov_9fa48("160"), open + 1));
      stryMutAct_9fa48("161") ? this.#reserved-- : (stryCov_9fa48("161"), this.#reserved++);
    }
  }
  #unreserveClient(quotaKey: string): void {
    if (stryMutAct_9fa48("162")) {
      {}
    } else {
      stryCov_9fa48("162");
      const open = stryMutAct_9fa48("163") ? (this.#perClient.get(quotaKey) ?? 1) + 1 : (stryCov_9fa48("163"), (stryMutAct_9fa48("164") ? this.#perClient.get(quotaKey) && 1 : (stryCov_9fa48("164"), this.#perClient.get(quotaKey) ?? 1)) - 1);
      if (stryMutAct_9fa48("168") ? open <= 0 : stryMutAct_9fa48("167") ? open >= 0 : stryMutAct_9fa48("166") ? false : stryMutAct_9fa48("165") ? true : (stryCov_9fa48("165", "166", "167", "168"), open > 0)) this.#perClient.set(quotaKey, open);else this.#perClient.delete(quotaKey);
    }
  }

  /**
   * Starts an admitted stream on an open connection: `retry`, the session frame
   * (token streams), the prelude, then history after the ticket's last event id
   * (or a `reset`), then the live feed.
   */
  async startStream(ticket: Ticket, connection: Connection, options: StartOptions = {}): Promise<Subscriber> {
    if (stryMutAct_9fa48("169")) {
      {}
    } else {
      stryCov_9fa48("169");
      if (stryMutAct_9fa48("172") ? false : stryMutAct_9fa48("171") ? true : stryMutAct_9fa48("170") ? this.#waiting.delete(ticket) : (stryCov_9fa48("170", "171", "172"), !this.#waiting.delete(ticket))) throw new Error(stryMutAct_9fa48("173") ? "" : (stryCov_9fa48("173"), 'A ticket starts one stream, once, and not after cancel()'));
      const subscriber = new Subscriber(stryMutAct_9fa48("174") ? {} : (stryCov_9fa48("174"), {
        connection,
        ticket,
        maxBufferBytes: this.settings.maxBufferBytes,
        now: Date.now(),
        lifetimeMs: this.settings.maxConnectionLifetimeMs
      }));
      // The reserved slot becomes the indexed stream; the client quota stays held until release.
      stryMutAct_9fa48("175") ? this.#reserved++ : (stryCov_9fa48("175"), this.#reserved--);
      connection.onClose(stryMutAct_9fa48("176") ? () => undefined : (stryCov_9fa48("176"), () => this.#release(subscriber, stryMutAct_9fa48("177") ? "" : (stryCov_9fa48("177"), 'client'))));
      // Registered before reading the log: whatever is appended from now on is parked
      // in the subscriber and de-duplicated against the replay by position.
      this.#index.add(subscriber);
      subscriber.write(this.#retryFrame, subscriber.openedAt);
      if (stryMutAct_9fa48("180") ? ticket.principal.expiresAt === undefined : stryMutAct_9fa48("179") ? false : stryMutAct_9fa48("178") ? true : (stryCov_9fa48("178", "179", "180"), ticket.principal.expiresAt !== undefined)) this.#openSession(subscriber);
      try {
        if (stryMutAct_9fa48("181")) {
          {}
        } else {
          stryCov_9fa48("181");
          // A prelude larger than the bound (a big snapshot) goes out in slices and must reach
          // the client before live events count against the bound, or a fast client would be dropped.
          for (const frame of stryMutAct_9fa48("182") ? options.prelude && [] : (stryCov_9fa48("182"), options.prelude ?? (stryMutAct_9fa48("183") ? ["Stryker was here"] : (stryCov_9fa48("183"), [])))) {
            if (stryMutAct_9fa48("184")) {
              {}
            } else {
              stryCov_9fa48("184");
              const open = stryMutAct_9fa48("185") ? () => undefined : (stryCov_9fa48("185"), (() => {
                const open = () => stryMutAct_9fa48("188") ? subscriber.state === 'closed' : stryMutAct_9fa48("187") ? false : stryMutAct_9fa48("186") ? true : (stryCov_9fa48("186", "187", "188"), subscriber.state !== (stryMutAct_9fa48("189") ? "" : (stryCov_9fa48("189"), 'closed')));
                return open;
              })());
              if (stryMutAct_9fa48("192") ? false : stryMutAct_9fa48("191") ? true : stryMutAct_9fa48("190") ? await writeSliced(connection, frame, this.settings.maxBufferBytes, open) : (stryCov_9fa48("190", "191", "192"), !(await writeSliced(connection, frame, this.settings.maxBufferBytes, open)))) return subscriber;
              subscriber.lastWriteAt = Date.now();
            }
          }
          const position = await this.log.position();
          await this.#catchUp(subscriber, stryMutAct_9fa48("193") ? options.from && ticket.request.lastEventId : (stryCov_9fa48("193"), options.from ?? ticket.request.lastEventId), position);
          subscriber.goLive(Date.now());
        }
      } catch (err) {
        if (stryMutAct_9fa48("194")) {
          {}
        } else {
          stryCov_9fa48("194");
          this.#logger.error(stryMutAct_9fa48("195") ? {} : (stryCov_9fa48("195"), {
            err,
            subscriber: subscriber.id
          }), stryMutAct_9fa48("196") ? "" : (stryCov_9fa48("196"), 'replay failed; closing the stream'));
          this.#release(subscriber, stryMutAct_9fa48("197") ? "" : (stryCov_9fa48("197"), 'error'));
        }
      }
      return subscriber;
    }
  }
  #openSession(subscriber: Subscriber): void {
    if (stryMutAct_9fa48("198")) {
      {}
    } else {
      stryCov_9fa48("198");
      const session = randomBytes(18).toString(stryMutAct_9fa48("199") ? "" : (stryCov_9fa48("199"), 'base64url'));
      subscriber.session = session;
      this.#sessions.set(session, subscriber);
      const data: SessionData = stryMutAct_9fa48("200") ? {} : (stryCov_9fa48("200"), {
        session,
        expiresAt: subscriber.ticket.principal.expiresAt as number
      });
      subscriber.write(encodeMessageBytes(stryMutAct_9fa48("201") ? {} : (stryCov_9fa48("201"), {
        event: SESSION_EVENT,
        data: JSON.stringify(data)
      })), Date.now());
    }
  }

  /**
   * Hands a running stream a fresh token of the same identity: the stream stays
   * open past the old `exp`, and the new rights (narrower or wider) apply from
   * the next event. 404 for an unknown session, 403 for another identity.
   */
  refresh(session: string, principal: Principal): {
    expiresAt: number | undefined;
  } {
    if (stryMutAct_9fa48("202")) {
      {}
    } else {
      stryCov_9fa48("202");
      const subscriber = this.#sessions.get(session);
      if (stryMutAct_9fa48("205") ? !subscriber && subscriber.state === 'closed' : stryMutAct_9fa48("204") ? false : stryMutAct_9fa48("203") ? true : (stryCov_9fa48("203", "204", "205"), (stryMutAct_9fa48("206") ? subscriber : (stryCov_9fa48("206"), !subscriber)) || (stryMutAct_9fa48("208") ? subscriber.state !== 'closed' : stryMutAct_9fa48("207") ? false : (stryCov_9fa48("207", "208"), subscriber.state === (stryMutAct_9fa48("209") ? "" : (stryCov_9fa48("209"), 'closed')))))) {
        if (stryMutAct_9fa48("210")) {
          {}
        } else {
          stryCov_9fa48("210");
          throw new SseHubError(stryMutAct_9fa48("211") ? "" : (stryCov_9fa48("211"), 'SESSION_NOT_FOUND'), stryMutAct_9fa48("212") ? "" : (stryCov_9fa48("212"), 'No open stream has this session id'));
        }
      }
      const current = subscriber.ticket;
      if (stryMutAct_9fa48("215") ? principal.sub === undefined && principal.sub !== current.principal.sub : stryMutAct_9fa48("214") ? false : stryMutAct_9fa48("213") ? true : (stryCov_9fa48("213", "214", "215"), (stryMutAct_9fa48("217") ? principal.sub !== undefined : stryMutAct_9fa48("216") ? false : (stryCov_9fa48("216", "217"), principal.sub === undefined)) || (stryMutAct_9fa48("219") ? principal.sub === current.principal.sub : stryMutAct_9fa48("218") ? false : (stryCov_9fa48("218", "219"), principal.sub !== current.principal.sub)))) {
        if (stryMutAct_9fa48("220")) {
          {}
        } else {
          stryCov_9fa48("220");
          throw forbidden(principal, stryMutAct_9fa48("221") ? "" : (stryCov_9fa48("221"), 'The new token is for another identity than the stream'));
        }
      }
      // The stream already holds a slot and a quota unit: hand them to the new ticket (whose
      // reservation is this running stream), so a client at its limit can still refresh.
      stryMutAct_9fa48("222") ? this.#reserved++ : (stryCov_9fa48("222"), this.#reserved--);
      this.#unreserveClient(current.quotaKey);
      let next: Ticket;
      try {
        if (stryMutAct_9fa48("223")) {
          {}
        } else {
          stryCov_9fa48("223");
          next = this.admit(principal, current.request);
        }
      } catch (err) {
        if (stryMutAct_9fa48("224")) {
          {}
        } else {
          stryCov_9fa48("224");
          // Refused (the new rights permit nothing, say): the stream keeps its old ticket and slot.
          stryMutAct_9fa48("225") ? this.#reserved-- : (stryCov_9fa48("225"), this.#reserved++);
          this.#perClient.set(current.quotaKey, stryMutAct_9fa48("226") ? (this.#perClient.get(current.quotaKey) ?? 0) - 1 : (stryCov_9fa48("226"), (stryMutAct_9fa48("227") ? this.#perClient.get(current.quotaKey) && 0 : (stryCov_9fa48("227"), this.#perClient.get(current.quotaKey) ?? 0)) + 1));
          throw err;
        }
      }
      this.#waiting.delete(next); // it is the running stream's ticket now, not a reservation
      this.#index.remove(subscriber);
      subscriber.ticket = next;
      this.#index.add(subscriber);
      return stryMutAct_9fa48("228") ? {} : (stryCov_9fa48("228"), {
        expiresAt: principal.expiresAt
      });
    }
  }
  async #catchUp(subscriber: Subscriber, lastEventId: string | undefined, position: LogPosition): Promise<void> {
    if (stryMutAct_9fa48("229")) {
      {}
    } else {
      stryCov_9fa48("229");
      const headId = formatEventId(position.epoch, position.head);
      if (stryMutAct_9fa48("232") ? lastEventId === undefined && lastEventId === '' : stryMutAct_9fa48("231") ? false : stryMutAct_9fa48("230") ? true : (stryCov_9fa48("230", "231", "232"), (stryMutAct_9fa48("234") ? lastEventId !== undefined : stryMutAct_9fa48("233") ? false : (stryCov_9fa48("233", "234"), lastEventId === undefined)) || (stryMutAct_9fa48("236") ? lastEventId !== '' : stryMutAct_9fa48("235") ? false : (stryCov_9fa48("235", "236"), lastEventId === (stryMutAct_9fa48("237") ? "Stryker was here!" : (stryCov_9fa48("237"), '')))))) {
        if (stryMutAct_9fa48("238")) {
          {}
        } else {
          stryCov_9fa48("238");
          // A fresh client starts at the head; the id-only frame makes its EventSource
          // resume from here even if no event reaches it before a disconnect.
          subscriber.lastSeq = position.head;
          subscriber.write(encodeMessageBytes(stryMutAct_9fa48("239") ? {} : (stryCov_9fa48("239"), {
            id: headId
          })), Date.now());
          return;
        }
      }
      const reason = this.#resumeProblem(lastEventId, position);
      if (stryMutAct_9fa48("241") ? false : stryMutAct_9fa48("240") ? true : (stryCov_9fa48("240", "241"), reason)) {
        if (stryMutAct_9fa48("242")) {
          {}
        } else {
          stryCov_9fa48("242");
          subscriber.lastSeq = position.head;
          subscriber.write(resetFrame(reason, lastEventId, headId), Date.now());
          return;
        }
      }
      let cursor = (parseEventId(lastEventId) as {
        seq: number;
      }).seq;
      subscriber.lastSeq = cursor;
      if (stryMutAct_9fa48("243")) {
        for (; false;) {
          if (subscriber.state === 'closed') return;
          const page = this.#recent.after(cursor, REPLAY_PAGE) ?? (await this.log.readAfter(cursor, REPLAY_PAGE)).map(encodeEvent);
          if (page.length === 0) break;
          cursor = (page[page.length - 1] as EncodedEvent).event.seq;
          await this.#writeReplay(subscriber, selectFor(subscriber.ticket, page));
          subscriber.lastSeq = cursor;
        }
      } else {
        stryCov_9fa48("243");
        for (;;) {
          if (stryMutAct_9fa48("244")) {
            {}
          } else {
            stryCov_9fa48("244");
            if (stryMutAct_9fa48("247") ? subscriber.state !== 'closed' : stryMutAct_9fa48("246") ? false : stryMutAct_9fa48("245") ? true : (stryCov_9fa48("245", "246", "247"), subscriber.state === (stryMutAct_9fa48("248") ? "" : (stryCov_9fa48("248"), 'closed')))) return;
            const page = stryMutAct_9fa48("249") ? this.#recent.after(cursor, REPLAY_PAGE) && (await this.log.readAfter(cursor, REPLAY_PAGE)).map(encodeEvent) : (stryCov_9fa48("249"), this.#recent.after(cursor, REPLAY_PAGE) ?? (await this.log.readAfter(cursor, REPLAY_PAGE)).map(encodeEvent));
            if (stryMutAct_9fa48("252") ? page.length !== 0 : stryMutAct_9fa48("251") ? false : stryMutAct_9fa48("250") ? true : (stryCov_9fa48("250", "251", "252"), page.length === 0)) break;
            cursor = (page[page.length - 1] as EncodedEvent).event.seq;
            await this.#writeReplay(subscriber, selectFor(subscriber.ticket, page));
            subscriber.lastSeq = cursor;
          }
        }
      }
    }
  }

  /** Why `lastEventId` cannot be resumed from (undefined when it can), as `subscribe` would decide. */
  async resumeProblem(lastEventId: string): Promise<ResetReason | undefined> {
    if (stryMutAct_9fa48("253")) {
      {}
    } else {
      stryCov_9fa48("253");
      return this.#resumeProblem(lastEventId, await this.log.position());
    }
  }
  #resumeProblem(lastEventId: string, position: LogPosition): ResetReason | undefined {
    if (stryMutAct_9fa48("254")) {
      {}
    } else {
      stryCov_9fa48("254");
      const parsed = parseEventId(lastEventId);
      if (stryMutAct_9fa48("257") ? false : stryMutAct_9fa48("256") ? true : stryMutAct_9fa48("255") ? parsed : (stryCov_9fa48("255", "256", "257"), !parsed)) return stryMutAct_9fa48("258") ? "" : (stryCov_9fa48("258"), 'unknown-id');
      if (stryMutAct_9fa48("261") ? parsed.epoch === position.epoch : stryMutAct_9fa48("260") ? false : stryMutAct_9fa48("259") ? true : (stryCov_9fa48("259", "260", "261"), parsed.epoch !== position.epoch)) return stryMutAct_9fa48("262") ? "" : (stryCov_9fa48("262"), 'log-replaced');
      if (stryMutAct_9fa48("266") ? parsed.seq <= position.head : stryMutAct_9fa48("265") ? parsed.seq >= position.head : stryMutAct_9fa48("264") ? false : stryMutAct_9fa48("263") ? true : (stryCov_9fa48("263", "264", "265", "266"), parsed.seq > position.head)) return stryMutAct_9fa48("267") ? "" : (stryCov_9fa48("267"), 'unknown-id');
      if (stryMutAct_9fa48("271") ? parsed.seq >= position.trimmedThrough : stryMutAct_9fa48("270") ? parsed.seq <= position.trimmedThrough : stryMutAct_9fa48("269") ? false : stryMutAct_9fa48("268") ? true : (stryCov_9fa48("268", "269", "270", "271"), parsed.seq < position.trimmedThrough)) return stryMutAct_9fa48("272") ? "" : (stryCov_9fa48("272"), 'history-trimmed');
      return undefined;
    }
  }
  async #writeReplay(subscriber: Subscriber, events: readonly EncodedEvent[]): Promise<void> {
    if (stryMutAct_9fa48("273")) {
      {}
    } else {
      stryCov_9fa48("273");
      let start = 0;
      while (stryMutAct_9fa48("275") ? start < events.length || subscriber.state !== 'closed' : stryMutAct_9fa48("274") ? false : (stryCov_9fa48("274", "275"), (stryMutAct_9fa48("278") ? start >= events.length : stryMutAct_9fa48("277") ? start <= events.length : stryMutAct_9fa48("276") ? true : (stryCov_9fa48("276", "277", "278"), start < events.length)) && (stryMutAct_9fa48("280") ? subscriber.state === 'closed' : stryMutAct_9fa48("279") ? true : (stryCov_9fa48("279", "280"), subscriber.state !== (stryMutAct_9fa48("281") ? "" : (stryCov_9fa48("281"), 'closed')))))) {
        if (stryMutAct_9fa48("282")) {
          {}
        } else {
          stryCov_9fa48("282");
          let end = start;
          let bytes = 0;
          while (stryMutAct_9fa48("284") ? end < events.length || bytes < REPLAY_CHUNK_BYTES : stryMutAct_9fa48("283") ? false : (stryCov_9fa48("283", "284"), (stryMutAct_9fa48("287") ? end >= events.length : stryMutAct_9fa48("286") ? end <= events.length : stryMutAct_9fa48("285") ? true : (stryCov_9fa48("285", "286", "287"), end < events.length)) && (stryMutAct_9fa48("290") ? bytes >= REPLAY_CHUNK_BYTES : stryMutAct_9fa48("289") ? bytes <= REPLAY_CHUNK_BYTES : stryMutAct_9fa48("288") ? true : (stryCov_9fa48("288", "289", "290"), bytes < REPLAY_CHUNK_BYTES)))) stryMutAct_9fa48("291") ? bytes -= (events[end++] as EncodedEvent).frame.length : (stryCov_9fa48("291"), bytes += (events[end++] as EncodedEvent).frame.length);
          // Wait for the socket to drain rather than exceed the connection's bound.
          if (stryMutAct_9fa48("294") ? false : stryMutAct_9fa48("293") ? true : stryMutAct_9fa48("292") ? subscriber.hasRoomFor(bytes) : (stryCov_9fa48("292", "293", "294"), !subscriber.hasRoomFor(bytes))) {
            if (stryMutAct_9fa48("295")) {
              {}
            } else {
              stryCov_9fa48("295");
              await new Promise<void>(stryMutAct_9fa48("296") ? () => undefined : (stryCov_9fa48("296"), resolve => subscriber.connection.onDrain(resolve)));
              continue;
            }
          }
          subscriber.write(concatFrames(stryMutAct_9fa48("297") ? events : (stryCov_9fa48("297"), events.slice(start, end))), Date.now());
          stryMutAct_9fa48("298") ? this.#stats.delivered -= end - start : (stryCov_9fa48("298"), this.#stats.delivered += stryMutAct_9fa48("299") ? end + start : (stryCov_9fa48("299"), end - start));
          start = end;
        }
      }
    }
  }
  #enqueue(events: readonly StoredEvent[]): void {
    if (stryMutAct_9fa48("300")) {
      {}
    } else {
      stryCov_9fa48("300");
      stryMutAct_9fa48("301") ? this.#stats.published -= events.length : (stryCov_9fa48("301"), this.#stats.published += events.length);
      for (const event of events) this.#queue.push(encodeEvent(event));
      if (stryMutAct_9fa48("304") ? false : stryMutAct_9fa48("303") ? true : stryMutAct_9fa48("302") ? this.#flushScheduled : (stryCov_9fa48("302", "303", "304"), !this.#flushScheduled)) {
        if (stryMutAct_9fa48("305")) {
          {}
        } else {
          stryCov_9fa48("305");
          this.#flushScheduled = stryMutAct_9fa48("306") ? false : (stryCov_9fa48("306"), true);
          setImmediate(stryMutAct_9fa48("307") ? () => undefined : (stryCov_9fa48("307"), () => this.#flush()));
        }
      }
    }
  }

  /** Fans out everything appended since the last flush: one chunk per topic group. */
  #flush(): void {
    if (stryMutAct_9fa48("308")) {
      {}
    } else {
      stryCov_9fa48("308");
      this.#flushScheduled = stryMutAct_9fa48("309") ? true : (stryCov_9fa48("309"), false);
      const batch = this.#queue;
      this.#queue = stryMutAct_9fa48("310") ? ["Stryker was here"] : (stryCov_9fa48("310"), []);
      if (stryMutAct_9fa48("313") ? batch.length !== 0 : stryMutAct_9fa48("312") ? false : stryMutAct_9fa48("311") ? true : (stryCov_9fa48("311", "312", "313"), batch.length === 0)) return;
      this.#recent.push(batch);
      const routed = new Map<TopicGroup, EncodedEvent[]>();
      for (const encoded of batch) {
        if (stryMutAct_9fa48("314")) {
          {}
        } else {
          stryCov_9fa48("314");
          this.#index.forEachGroup(encoded.event.topics, stryMutAct_9fa48("315") ? --this.#routeMark : (stryCov_9fa48("315"), ++this.#routeMark), group => {
            if (stryMutAct_9fa48("316")) {
              {}
            } else {
              stryCov_9fa48("316");
              const list = routed.get(group);
              if (stryMutAct_9fa48("318") ? false : stryMutAct_9fa48("317") ? true : (stryCov_9fa48("317", "318"), list)) list.push(encoded);else routed.set(group, stryMutAct_9fa48("319") ? [] : (stryCov_9fa48("319"), [encoded]));
            }
          });
        }
      }
      const now = Date.now();
      let delivered = 0;
      // One evaluation per view key and event, however many groups share the key.
      const viewed = new Map<string, Map<EncodedEvent, EncodedEvent | undefined>>();
      for (const [group, routedEvents] of routed) {
        if (stryMutAct_9fa48("320")) {
          {}
        } else {
          stryCov_9fa48("320");
          const events = group.view ? applyView(group.view, routedEvents, viewed) : routedEvents;
          if (stryMutAct_9fa48("323") ? events.length !== 0 : stryMutAct_9fa48("322") ? false : stryMutAct_9fa48("321") ? true : (stryCov_9fa48("321", "322", "323"), events.length === 0)) continue;
          const chunk = concatFrames(events);
          for (const subscriber of group.members) subscriber.deliver(chunk, events, now);
          stryMutAct_9fa48("324") ? delivered -= group.members.size * events.length : (stryCov_9fa48("324"), delivered += stryMutAct_9fa48("325") ? group.members.size / events.length : (stryCov_9fa48("325"), group.members.size * events.length));
        }
      }
      stryMutAct_9fa48("326") ? this.#stats.delivered -= delivered : (stryCov_9fa48("326"), this.#stats.delivered += delivered);
    }
  }
  #resetAll(position: LogPosition): void {
    if (stryMutAct_9fa48("327")) {
      {}
    } else {
      stryCov_9fa48("327");
      this.#logger.warn(stryMutAct_9fa48("328") ? {} : (stryCov_9fa48("328"), {
        epoch: position.epoch
      }), stryMutAct_9fa48("329") ? "" : (stryCov_9fa48("329"), 'the event log was replaced; sending reset to every stream'));
      this.#recent.clear();
      this.#queue = stryMutAct_9fa48("330") ? ["Stryker was here"] : (stryCov_9fa48("330"), []);
      const headId = formatEventId(position.epoch, position.head);
      const frame = resetFrame(stryMutAct_9fa48("331") ? "" : (stryCov_9fa48("331"), 'log-replaced'), undefined, headId);
      const now = Date.now();
      for (const subscriber of this.#index.subscribers()) {
        if (stryMutAct_9fa48("332")) {
          {}
        } else {
          stryCov_9fa48("332");
          subscriber.lastSeq = position.head;
          subscriber.write(frame, now);
        }
      }
    }
  }

  /** Heartbeats for quiet streams, the maximum connection lifetime, and the bytes streams have queued. */
  #sweep(): void {
    if (stryMutAct_9fa48("333")) {
      {}
    } else {
      stryCov_9fa48("333");
      const now = Date.now();
      const quietSince = stryMutAct_9fa48("334") ? now + this.settings.heartbeatMs : (stryCov_9fa48("334"), now - this.settings.heartbeatMs);
      let queued = 0;
      for (const subscriber of stryMutAct_9fa48("335") ? [] : (stryCov_9fa48("335"), [...this.#index.subscribers()])) {
        if (stryMutAct_9fa48("336")) {
          {}
        } else {
          stryCov_9fa48("336");
          const expired = subscriber.expiry(now);
          if (stryMutAct_9fa48("338") ? false : stryMutAct_9fa48("337") ? true : (stryCov_9fa48("337", "338"), expired)) this.#release(subscriber, expired);else if (stryMutAct_9fa48("341") ? subscriber.state === 'live' || subscriber.lastWriteAt <= quietSince : stryMutAct_9fa48("340") ? false : stryMutAct_9fa48("339") ? true : (stryCov_9fa48("339", "340", "341"), (stryMutAct_9fa48("343") ? subscriber.state !== 'live' : stryMutAct_9fa48("342") ? true : (stryCov_9fa48("342", "343"), subscriber.state === (stryMutAct_9fa48("344") ? "" : (stryCov_9fa48("344"), 'live')))) && (stryMutAct_9fa48("347") ? subscriber.lastWriteAt > quietSince : stryMutAct_9fa48("346") ? subscriber.lastWriteAt < quietSince : stryMutAct_9fa48("345") ? true : (stryCov_9fa48("345", "346", "347"), subscriber.lastWriteAt <= quietSince)))) subscriber.write(this.#heartbeat, now);
          if (stryMutAct_9fa48("350") ? subscriber.state === 'closed' : stryMutAct_9fa48("349") ? false : stryMutAct_9fa48("348") ? true : (stryCov_9fa48("348", "349", "350"), subscriber.state !== (stryMutAct_9fa48("351") ? "" : (stryCov_9fa48("351"), 'closed')))) stryMutAct_9fa48("352") ? queued -= subscriber.connection.bufferedBytes : (stryCov_9fa48("352"), queued += subscriber.connection.bufferedBytes);
        }
      }
      this.unsent.streamBytes = queued;
    }
  }
  async #trim(): Promise<void> {
    if (stryMutAct_9fa48("353")) {
      {}
    } else {
      stryCov_9fa48("353");
      try {
        if (stryMutAct_9fa48("354")) {
          {}
        } else {
          stryCov_9fa48("354");
          const removed = await (stryMutAct_9fa48("355") ? this.log : (stryCov_9fa48("355"), this.log.trim(this.settings.retention)));
          if (stryMutAct_9fa48("359") ? removed <= 0 : stryMutAct_9fa48("358") ? removed >= 0 : stryMutAct_9fa48("357") ? false : stryMutAct_9fa48("356") ? true : (stryCov_9fa48("356", "357", "358", "359"), removed > 0)) this.#logger.debug(stryMutAct_9fa48("360") ? {} : (stryCov_9fa48("360"), {
            removed
          }), stryMutAct_9fa48("361") ? "" : (stryCov_9fa48("361"), 'retention trimmed the log'));
        }
      } catch (err) {
        if (stryMutAct_9fa48("362")) {
          {}
        } else {
          stryCov_9fa48("362");
          this.#logger.error(stryMutAct_9fa48("363") ? {} : (stryCov_9fa48("363"), {
            err
          }), stryMutAct_9fa48("364") ? "" : (stryCov_9fa48("364"), 'retention failed'));
        }
      }
    }
  }

  /** Closes (if needed) and forgets a subscriber; safe to call from every close path. */
  #release(subscriber: Subscriber, reason: CloseReason): void {
    if (stryMutAct_9fa48("365")) {
      {}
    } else {
      stryCov_9fa48("365");
      if (stryMutAct_9fa48("368") ? subscriber.state === 'closed' : stryMutAct_9fa48("367") ? false : stryMutAct_9fa48("366") ? true : (stryCov_9fa48("366", "367", "368"), subscriber.state !== (stryMutAct_9fa48("369") ? "" : (stryCov_9fa48("369"), 'closed')))) subscriber.close(reason);
      if (stryMutAct_9fa48("372") ? false : stryMutAct_9fa48("371") ? true : stryMutAct_9fa48("370") ? this.#index.remove(subscriber) : (stryCov_9fa48("370", "371", "372"), !this.#index.remove(subscriber))) return;
      this.#unreserveClient(subscriber.ticket.quotaKey);
      if (stryMutAct_9fa48("375") ? subscriber.session === undefined : stryMutAct_9fa48("374") ? false : stryMutAct_9fa48("373") ? true : (stryCov_9fa48("373", "374", "375"), subscriber.session !== undefined)) this.#sessions.delete(subscriber.session);
      if (stryMutAct_9fa48("378") ? subscriber.closeReason !== 'slow-consumer' : stryMutAct_9fa48("377") ? false : stryMutAct_9fa48("376") ? true : (stryCov_9fa48("376", "377", "378"), subscriber.closeReason === (stryMutAct_9fa48("379") ? "" : (stryCov_9fa48("379"), 'slow-consumer')))) {
        if (stryMutAct_9fa48("380")) {
          {}
        } else {
          stryCov_9fa48("380");
          stryMutAct_9fa48("381") ? this.#stats.slowConsumerDisconnects-- : (stryCov_9fa48("381"), this.#stats.slowConsumerDisconnects++);
          this.#logger.debug(stryMutAct_9fa48("382") ? {} : (stryCov_9fa48("382"), {
            subscriber: subscriber.id
          }), stryMutAct_9fa48("383") ? "" : (stryCov_9fa48("383"), 'disconnected a slow consumer'));
        }
      }
    }
  }

  /** Ends every stream (clients reconnect elsewhere), stops timers, closes the log. */
  async close(): Promise<void> {
    if (stryMutAct_9fa48("384")) {
      {}
    } else {
      stryCov_9fa48("384");
      if (stryMutAct_9fa48("386") ? false : stryMutAct_9fa48("385") ? true : (stryCov_9fa48("385", "386"), this.#closing)) return;
      this.#closing = stryMutAct_9fa48("387") ? false : (stryCov_9fa48("387"), true);
      for (const timer of this.#timers) clearInterval(timer);
      this.#flush();
      for (const subscriber of stryMutAct_9fa48("388") ? [] : (stryCov_9fa48("388"), [...this.#index.subscribers()])) this.#release(subscriber, stryMutAct_9fa48("389") ? "" : (stryCov_9fa48("389"), 'shutdown'));
      stryMutAct_9fa48("390") ? this.#unsubscribeLog() : (stryCov_9fa48("390"), this.#unsubscribeLog?.());
      await this.log.close();
    }
  }
}
function applyView(view: EventView, events: readonly EncodedEvent[], cache: Map<string, Map<EncodedEvent, EncodedEvent | undefined>>): EncodedEvent[] {
  if (stryMutAct_9fa48("391")) {
    {}
  } else {
    stryCov_9fa48("391");
    let results = cache.get(view.key);
    if (stryMutAct_9fa48("394") ? false : stryMutAct_9fa48("393") ? true : stryMutAct_9fa48("392") ? results : (stryCov_9fa48("392", "393", "394"), !results)) {
      if (stryMutAct_9fa48("395")) {
        {}
      } else {
        stryCov_9fa48("395");
        results = new Map();
        cache.set(view.key, results);
      }
    }
    const out: EncodedEvent[] = stryMutAct_9fa48("396") ? ["Stryker was here"] : (stryCov_9fa48("396"), []);
    for (const event of events) {
      if (stryMutAct_9fa48("397")) {
        {}
      } else {
        stryCov_9fa48("397");
        if (stryMutAct_9fa48("400") ? false : stryMutAct_9fa48("399") ? true : stryMutAct_9fa48("398") ? results.has(event) : (stryCov_9fa48("398", "399", "400"), !results.has(event))) results.set(event, view.apply(event));
        const shown = results.get(event);
        if (stryMutAct_9fa48("402") ? false : stryMutAct_9fa48("401") ? true : (stryCov_9fa48("401", "402"), shown)) out.push(shown);
      }
    }
    return out;
  }
}