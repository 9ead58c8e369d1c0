import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { forbidden } from '../auth/access.js';
import { OPEN_PRINCIPAL, type Principal } from '../auth/principal.js';
import { overlapping, permitMatcher } from '../auth/rights.js';
import { SseHubError } from '../errors.js';
import { formatEventId, parseEventId } from '../log/event-id.js';
import type { EventLog, LogPosition, StoredEvent } from '../log/event-log.js';
import { encodeComment, encodeMessageBytes } from '../protocol/encoder.js';
import { assertTopicPattern, compilePatterns } from '../protocol/topic.js';
import { SESSION_EVENT, type SessionData } from '../protocol/wire.js';
import { type EventView, type StreamRequest, selectFor, type Ticket, type ViewProvider } from './admission.js';
import { composeViews } from './compose-views.js';
import type { Connection } from './connection.js';
import { concatFrames, type EncodedEvent, encodeEvent } from './encoded-event.js';
import { HubCounters } from './hub-counters.js';
import { type HubObserver, NO_OBSERVER, type StreamKind } from './hub-observer.js';
import {
  type AdapterPublish,
  type CheckedEvents,
  checkBatch,
  checkOne,
  checkPublish,
  type EventChecker,
  eventChecker,
} from './publish-check.js';
import type { PublishInput } from './publish-input.js';
import { RecentEvents } from './recent-events.js';
import { hideReserved, isReservedTopic, RESERVED_ROOT } from './reserved-topics.js';
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
  /** Most events one batch publish may carry. */
  maxBatchEvents: number;
  /** Largest batch body, in bytes (read by HTTP adapters). */
  maxBatchBytes: number;
  recentEvents: number;
  /** Byte bound of the recent-events cache (unbounded if unset). */
  recentEventsBytes?: number | undefined;
  /** Global cap on unsent bytes: snapshots being sent plus stream queues (see UnsentBudget); unbounded if unset. */
  maxUnsentBytes?: number | undefined;
  retention: { maxEvents: number | undefined; maxAgeMs: number | undefined };
  retentionIntervalMs: number;
}

export type { AdapterPublish } from './publish-check.js';

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
const REPLAY_CHUNK_BYTES = 64 * 1024;
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
  #queue: EncodedEvent[] = [];
  #flushScheduled = false;
  #routeMark = 0;
  #timers: NodeJS.Timeout[] = [];
  #unsubscribeLog: (() => void) | undefined;
  #closing = false;
  #stats: HubStats = { connections: 0, published: 0, delivered: 0, slowConsumerDisconnects: 0 };
  #viewProvider: ViewProvider | undefined;
  /** Admitted tickets not yet started: they hold a slot under maxConnections. */
  #reserved = 0;
  readonly #waiting = new WeakSet<Ticket>();
  /**
   * Every ticket's `cancel()`: one function per hub, not a closure per ticket,
   * which a started stream would carry for its whole life (~110 bytes of an idle stream).
   */
  readonly #cancelTicket = ((hub: Hub) =>
    function cancel(this: Ticket): void {
      hub.#cancel(this);
    })(this);
  /** Open or reserved streams per quota key. */
  readonly #perClient = new Map<string, number>();
  /** Token-authenticated streams by session id, for in-place token refresh. */
  readonly #sessions = new Map<string, Subscriber>();
  /** Hot-path counters, read by metrics at scrape time. */
  readonly counters = new HubCounters();
  /** Open streams by kind. */
  readonly openByKind: Record<StreamKind, number> = { events: 0, live: 0, mercure: 0, internal: 0 };
  #observer: HubObserver = NO_OBSERVER;

  constructor(log: EventLog, settings: HubSettings, logger: Logger) {
    this.log = log;
    this.settings = settings;
    this.#logger = logger;
    this.#recent = new RecentEvents(settings.recentEvents, settings.recentEventsBytes);
    this.unsent = new UnsentBudget(settings.maxUnsentBytes ?? Number.POSITIVE_INFINITY);
    this.#retryFrame = encodeMessageBytes({ retry: settings.retryMs });
  }

  /** Opens the log and starts the live feed, heartbeats and retention. */
  async start(): Promise<void> {
    await this.log.open();
    this.#unsubscribeLog = this.log.onAppend((events) => this.#enqueue(events));
    this.log.onEpochChange?.((position) => this.#resetAll(position));
    this.#timers.push(setInterval(() => this.#sweep(), Math.min(SWEEP_MS, this.settings.heartbeatMs)).unref());
    const { maxEvents, maxAgeMs } = this.settings.retention;
    if (maxEvents !== undefined || maxAgeMs !== undefined) {
      this.#timers.push(setInterval(() => void this.#trim(), this.settings.retentionIntervalMs).unref());
    }
  }

  get closing(): boolean {
    return this.#closing;
  }

  stats(): HubStats {
    return {
      ...this.#stats,
      connections: this.#index.size - this.openByKind.internal,
      recentEventsBytes: this.#recent.bytes,
      unsentBytes: this.unsent.used,
    };
  }

  /**
   * Plugs in how principals see events (collections filter their topics by read
   * rules, Mercure hides private updates). Called at composition, before streams
   * open; providers plugged in later apply after earlier ones ({@link composeViews}).
   */
  useViews(provider: ViewProvider): void {
    this.#viewProvider = composeViews(this.#viewProvider, provider);
  }

  /** Plugs in telemetry (metrics, stream logs); set once at composition. */
  setObserver(observer: HubObserver): void {
    this.#observer = observer;
  }

  /**
   * Appends one event; resolves with it once the log holds it durably. Without a
   * principal the caller is trusted code (an embedding server).
   */
  async publish(
    input: PublishInput,
    principal: Principal = OPEN_PRINCIPAL,
    adapter?: AdapterPublish,
  ): Promise<StoredEvent> {
    if (this.#closing) throw new SseHubError('SHUTTING_DOWN', 'The hub is shutting down');
    const [stored] = await this.log.append([checkPublish(input, principal, this.settings, adapter)]);
    return stored as StoredEvent;
  }

  /**
   * Validates a publish body (one event, or an array of them: a batch) and checks
   * the principal may publish every event; throws before anything is written (a
   * batch's error names the event's index). Hand the result to {@link appendChecked}:
   * a transport may count it against the publisher's rate first.
   */
  checkPublish(body: unknown, principal: Principal = OPEN_PRINCIPAL): CheckedEvents {
    if (Array.isArray(body)) return checkBatch(body, principal, this.settings);
    return checkOne(body, principal, this.settings);
  }

  /** Checks a stream of events one at a time into batches for {@link appendChecked} (streaming publish). */
  eventChecker(principal: Principal = OPEN_PRINCIPAL): EventChecker {
    return eventChecker(principal, this.settings);
  }

  /** Appends a checked batch atomically (all durable or none); resolves with the events in order. */
  async appendChecked(events: CheckedEvents): Promise<StoredEvent[]> {
    if (this.#closing) throw new SseHubError('SHUTTING_DOWN', 'The hub is shutting down');
    return this.log.append(events);
  }

  /** Publishes many events at once, all durable or none: {@link checkBatch} then {@link appendChecked}. */
  async publishBatch(inputs: readonly PublishInput[], principal: Principal = OPEN_PRINCIPAL): Promise<StoredEvent[]> {
    return this.appendChecked(checkBatch(inputs, principal, this.settings));
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
    if (this.#closing) throw new SseHubError('SHUTTING_DOWN', 'The hub is shutting down');
    const patterns = this.#checkTopics(request.topics);
    if (!principal.rights.admin && patterns.some(isReservedTopic)) {
      throw forbidden(principal, `Topics under "${RESERVED_ROOT}/" are readable with an admin token only`);
    }
    const readable = overlapping(patterns, principal.rights.subscribe);
    if (readable.length === 0) {
      throw forbidden(
        principal,
        `Reading ${patterns.map((p) => `"${p}"`).join(', ')} is not permitted for this identity`,
      );
    }
    const permitted = normalizePatterns(principal.rights.subscribe);
    const view = this.#viewProvider?.(principal, request);
    const quotaKey = principal.sub !== undefined ? `sub:${principal.sub}` : `addr:${request.clientAddress ?? '?'}`;
    this.#reserve(quotaKey);
    const ticket: Ticket = {
      principal,
      request,
      patterns,
      matches: compilePatterns(patterns),
      permits: hideReserved(patterns, permitMatcher(permitted)),
      view,
      groupKey: `${patterns.join(' ')}|${permitted.join(' ')}|${view?.key ?? ''}`,
      quotaKey,
      cancel: this.#cancelTicket,
    };
    this.#waiting.add(ticket);
    return ticket;
  }

  #checkTopics(topics: readonly string[]): string[] {
    if (topics.length === 0) {
      throw new SseHubError('MISSING_TOPIC', 'Name at least one topic: /events?topic=chat (repeat topic= for more)');
    }
    if (topics.length > this.settings.maxTopicsPerConnection) {
      throw new SseHubError(
        'TOO_MANY_TOPICS',
        `A stream may follow at most ${this.settings.maxTopicsPerConnection} topics; got ${topics.length}`,
      );
    }
    return normalizePatterns(topics.map(assertTopicPattern));
  }

  #reserve(quotaKey: string): void {
    const max = this.settings.maxConnections;
    // The canary's internal stream is not a client: it takes no client slot.
    if (max !== undefined && this.#index.size - this.openByKind.internal + this.#reserved >= max) {
      throw new SseHubError('TOO_MANY_CONNECTIONS', `The hub is at its limit of ${max} open streams; retry later`);
    }
    const perClient = this.settings.maxStreamsPerClient;
    const open = this.#perClient.get(quotaKey) ?? 0;
    if (perClient !== undefined && open >= perClient) {
      throw new SseHubError(
        'TOO_MANY_STREAMS',
        `This client already has ${open} open streams, the limit per client; close one or retry later`,
      );
    }
    this.#perClient.set(quotaKey, open + 1);
    this.#reserved++;
  }

  #cancel(ticket: Ticket): void {
    // Only a ticket still waiting holds its reservation; a started stream gives it back on release.
    if (!this.#waiting.delete(ticket)) return;
    this.#reserved--;
    this.#unreserveClient(ticket.quotaKey);
  }

  #unreserveClient(quotaKey: string): void {
    const open = (this.#perClient.get(quotaKey) ?? 1) - 1;
    if (open > 0) this.#perClient.set(quotaKey, open);
    else this.#perClient.delete(quotaKey);
  }

  /**
   * Starts an admitted stream on an open connection: `retry`, the session frame
   * (token streams), the prelude, then history after the ticket's last event id
   * (or a `reset`), then the live feed.
   */
  async startStream(ticket: Ticket, connection: Connection, options: StartOptions = {}): Promise<Subscriber> {
    if (!this.#waiting.delete(ticket)) throw new Error('A ticket starts one stream, once, and not after cancel()');
    const subscriber = new Subscriber({
      connection,
      ticket,
      maxBufferBytes: this.settings.maxBufferBytes,
      now: Date.now(),
      lifetimeMs: this.settings.maxConnectionLifetimeMs,
      kind: ticket.request.kind ?? 'events',
    });
    // The reserved slot becomes the indexed stream; the client quota stays held until release.
    this.#reserved--;
    connection.onClose(() => this.#release(subscriber, 'client'));
    // Registered before reading the log: whatever is appended from now on is parked
    // in the subscriber and de-duplicated against the replay by position.
    this.#index.add(subscriber);
    this.openByKind[subscriber.kind]++;
    this.#observer.streamOpened(subscriber);
    subscriber.write(this.#retryFrame, subscriber.openedAt);
    if (ticket.principal.expiresAt !== undefined) this.#openSession(subscriber);
    try {
      // A prelude larger than the bound (a big snapshot) goes out in slices and must reach
      // the client before live events count against the bound, or a fast client would be dropped.
      for (const frame of options.prelude ?? []) {
        const open = () => subscriber.state !== 'closed';
        if (!(await writeSliced(connection, frame, this.settings.maxBufferBytes, open))) return subscriber;
        subscriber.lastWriteAt = Date.now();
      }
      const position = await this.log.position();
      await this.#catchUp(subscriber, options.from ?? ticket.request.lastEventId, position, options.from === undefined);
      subscriber.goLive(Date.now());
    } catch (err) {
      this.#logger.error({ err, subscriber: subscriber.id }, 'replay failed; closing the stream');
      this.#release(subscriber, 'error');
    }
    return subscriber;
  }

  #openSession(subscriber: Subscriber): void {
    const session = randomBytes(18).toString('base64url');
    subscriber.session = session;
    this.#sessions.set(session, subscriber);
    const data: SessionData = { session, expiresAt: subscriber.ticket.principal.expiresAt as number };
    subscriber.write(encodeMessageBytes({ event: SESSION_EVENT, data: JSON.stringify(data) }), Date.now());
  }

  /**
   * Hands a running stream a fresh token of the same identity: the stream stays
   * open past the old `exp`, and the new rights (narrower or wider) apply from
   * the next event. 404 for an unknown session, 403 for another identity.
   */
  refresh(session: string, principal: Principal): { expiresAt: number | undefined } {
    const subscriber = this.#sessions.get(session);
    if (!subscriber || subscriber.state === 'closed') {
      throw new SseHubError('SESSION_NOT_FOUND', 'No open stream has this session id');
    }
    const current = subscriber.ticket;
    if (principal.sub === undefined || principal.sub !== current.principal.sub) {
      throw forbidden(principal, 'The new token is for another identity than the stream');
    }
    // The stream already holds a slot and a quota unit: hand them to the new ticket (whose
    // reservation is this running stream), so a client at its limit can still refresh.
    this.#reserved--;
    this.#unreserveClient(current.quotaKey);
    let next: Ticket;
    try {
      next = this.admit(principal, current.request);
    } catch (err) {
      // Refused (the new rights permit nothing, say): the stream keeps its old ticket and slot.
      this.#reserved++;
      this.#perClient.set(current.quotaKey, (this.#perClient.get(current.quotaKey) ?? 0) + 1);
      throw err;
    }
    this.#waiting.delete(next); // it is the running stream's ticket now, not a reservation
    this.#index.remove(subscriber);
    subscriber.ticket = next;
    this.#index.add(subscriber);
    return { expiresAt: principal.expiresAt };
  }

  /** `counted`: a client's own resume (counted in replay metrics), not a snapshot's continuation. */
  async #catchUp(
    subscriber: Subscriber,
    lastEventId: string | undefined,
    position: LogPosition,
    counted: boolean,
  ): Promise<void> {
    const headId = formatEventId(position.epoch, position.head);
    if (lastEventId === undefined || lastEventId === '') {
      // A fresh client starts at the head; the id-only frame makes its EventSource
      // resume from here even if no event reaches it before a disconnect.
      subscriber.lastSeq = position.head;
      subscriber.write(encodeMessageBytes({ id: headId }), Date.now());
      return;
    }
    const reason = this.#resumeProblem(lastEventId, position);
    if (reason) {
      if (counted) this.counters.resets[reason]++;
      subscriber.lastSeq = position.head;
      subscriber.write(resetFrame(reason, lastEventId, headId), Date.now());
      return;
    }
    if (counted) this.counters.resumed++;
    let cursor = (parseEventId(lastEventId) as { seq: number }).seq;
    subscriber.lastSeq = cursor;
    for (;;) {
      if (subscriber.state === 'closed') return;
      const page =
        this.#recent.after(cursor, REPLAY_PAGE) ?? (await this.log.readAfter(cursor, REPLAY_PAGE)).map(encodeEvent);
      if (page.length === 0) break;
      cursor = (page[page.length - 1] as EncodedEvent).event.seq;
      await this.#writeReplay(subscriber, selectFor(subscriber.ticket, page));
      subscriber.lastSeq = cursor;
    }
  }

  /**
   * The hub id of the event a protocol adapter published with this external id
   * (`meta.externalId`), for resuming from it; undefined when the log has none.
   */
  async eventIdOf(externalId: string): Promise<string | undefined> {
    const seq = await this.log.findExternalId(externalId);
    if (seq === undefined) return undefined;
    return formatEventId((await this.log.position()).epoch, seq);
  }

  /** Where a stream resumes to replay all retained history, and the newest id (a fresh stream's start). */
  async historyBounds(): Promise<{ earliest: string; head: string }> {
    const { epoch, trimmedThrough, head } = await this.log.position();
    return { earliest: formatEventId(epoch, trimmedThrough), head: formatEventId(epoch, head) };
  }

  /** Why `lastEventId` cannot be resumed from (undefined when it can), as `subscribe` would decide. */
  async resumeProblem(lastEventId: string): Promise<ResetReason | undefined> {
    return this.#resumeProblem(lastEventId, await this.log.position());
  }

  #resumeProblem(lastEventId: string, position: LogPosition): ResetReason | undefined {
    const parsed = parseEventId(lastEventId);
    if (!parsed) return 'unknown-id';
    if (parsed.epoch !== position.epoch) return 'log-replaced';
    if (parsed.seq > position.head) return 'unknown-id';
    if (parsed.seq < position.trimmedThrough) return 'history-trimmed';
    return undefined;
  }

  async #writeReplay(subscriber: Subscriber, events: readonly EncodedEvent[]): Promise<void> {
    let start = 0;
    while (start < events.length && subscriber.state !== 'closed') {
      let end = start;
      let bytes = 0;
      while (end < events.length && bytes < REPLAY_CHUNK_BYTES) bytes += (events[end++] as EncodedEvent).frame.length;
      // Wait for the socket to drain rather than exceed the connection's bound.
      if (!subscriber.hasRoomFor(bytes)) {
        await new Promise<void>((resolve) => subscriber.connection.onDrain(resolve));
        continue;
      }
      subscriber.write(concatFrames(events.slice(start, end)), Date.now());
      subscriber.eventsSent += end - start;
      this.#stats.delivered += end - start;
      this.counters.replayedEvents += end - start;
      start = end;
    }
  }

  #enqueue(events: readonly StoredEvent[]): void {
    this.#stats.published += events.length;
    const last = events[events.length - 1];
    if (last) this.counters.lastFedSeq = last.seq;
    for (const event of events) this.#queue.push(encodeEvent(event));
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  /** Fans out everything appended since the last flush: one chunk per topic group. */
  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    this.#recent.push(batch);
    const routed = new Map<TopicGroup, EncodedEvent[]>();
    for (const encoded of batch) {
      this.#index.forEachGroup(encoded.event.topics, ++this.#routeMark, (group) => {
        const list = routed.get(group);
        if (list) list.push(encoded);
        else routed.set(group, [encoded]);
      });
    }
    const now = Date.now();
    let delivered = 0;
    // One evaluation per view key and event, however many groups share the key.
    const viewed = new Map<string, Map<EncodedEvent, EncodedEvent | undefined>>();
    for (const [group, routedEvents] of routed) {
      const events = group.view ? applyView(group.view, routedEvents, viewed) : routedEvents;
      if (events.length === 0) continue;
      const chunk = concatFrames(events);
      for (const subscriber of group.members) subscriber.deliver(chunk, events, now);
      delivered += group.members.size * events.length;
    }
    this.#stats.delivered += delivered;
    // Once per batch, not per socket: from the oldest event's append to the last write.
    if (delivered > 0) this.#observer.fannedOut(batch, Date.now() - (batch[0] as EncodedEvent).event.time);
  }

  /**
   * What the admin topic lookup shows: how many open streams an event on
   * `topic` would reach, and its last events still in the recent-events cache.
   */
  topicInfo(topic: string, limit: number): { subscribers: number; recent: StoredEvent[] } {
    let subscribers = 0;
    this.#index.forEachGroup([topic], ++this.#routeMark, (group) => {
      subscribers += group.members.size;
    });
    return { subscribers, recent: this.#recent.last(limit, (e) => e.event.topics.includes(topic)) };
  }

  /** Subscribed topic patterns with their stream counts (for the admin dashboard). */
  subscriptions(): { patterns: readonly string[]; streams: number }[] {
    const totals = new Map<string, number>();
    for (const group of this.#index.groups()) {
      const key = group.patterns.join(' ');
      totals.set(key, (totals.get(key) ?? 0) + group.members.size);
    }
    return [...totals].map(([key, streams]) => ({ patterns: key.split(' '), streams }));
  }

  #resetAll(position: LogPosition): void {
    this.#logger.warn({ epoch: position.epoch }, 'the event log was replaced; sending reset to every stream');
    this.#recent.clear();
    this.#queue = [];
    const headId = formatEventId(position.epoch, position.head);
    const frame = resetFrame('log-replaced', undefined, headId);
    const now = Date.now();
    for (const subscriber of this.#index.subscribers()) {
      subscriber.lastSeq = position.head;
      subscriber.write(frame, now);
    }
  }

  /** Heartbeats for quiet streams, the maximum connection lifetime, and the bytes streams have queued. */
  #sweep(): void {
    const now = Date.now();
    const quietSince = now - this.settings.heartbeatMs;
    let queued = 0;
    for (const subscriber of [...this.#index.subscribers()]) {
      const expired = subscriber.expiry(now);
      if (expired) this.#release(subscriber, expired);
      else if (subscriber.state === 'live' && subscriber.lastWriteAt <= quietSince)
        subscriber.write(this.#heartbeat, now);
      if (subscriber.state !== 'closed') queued += subscriber.connection.bufferedBytes;
    }
    this.unsent.streamBytes = queued;
  }

  async #trim(): Promise<void> {
    try {
      const removed = await this.log.trim(this.settings.retention);
      if (removed > 0) this.#logger.debug({ removed }, 'retention trimmed the log');
    } catch (err) {
      this.#logger.error({ err }, 'retention failed');
    }
  }

  /** Closes (if needed) and forgets a subscriber; safe to call from every close path. */
  #release(subscriber: Subscriber, reason: CloseReason): void {
    if (subscriber.state !== 'closed') subscriber.close(reason);
    if (!this.#index.remove(subscriber)) return;
    this.openByKind[subscriber.kind]--;
    this.counters.closes[subscriber.closeReason ?? reason]++;
    this.#observer.streamClosed(subscriber);
    this.#unreserveClient(subscriber.ticket.quotaKey);
    if (subscriber.session !== undefined) this.#sessions.delete(subscriber.session);
    if (subscriber.closeReason === 'slow-consumer') {
      this.#stats.slowConsumerDisconnects++;
      this.#logger.debug({ subscriber: subscriber.id }, 'disconnected a slow consumer');
    }
  }

  /** Ends every stream (clients reconnect elsewhere), stops timers, closes the log. */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#flush();
    for (const subscriber of [...this.#index.subscribers()]) this.#release(subscriber, 'shutdown');
    this.#unsubscribeLog?.();
    await this.log.close();
  }
}

function applyView(
  view: EventView,
  events: readonly EncodedEvent[],
  cache: Map<string, Map<EncodedEvent, EncodedEvent | undefined>>,
): EncodedEvent[] {
  let results = cache.get(view.key);
  if (!results) {
    results = new Map();
    cache.set(view.key, results);
  }
  const out: EncodedEvent[] = [];
  for (const event of events) {
    if (!results.has(event)) results.set(event, view.apply(event));
    const shown = results.get(event);
    if (shown) out.push(shown);
  }
  return out;
}
