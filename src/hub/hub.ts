import type { Logger } from 'pino';
import { SseHubError } from '../errors.js';
import { formatEventId, parseEventId } from '../log/event-id.js';
import type { EventLog, LogPosition, StoredEvent } from '../log/event-log.js';
import { encodeComment, encodeMessageBytes } from '../protocol/encoder.js';
import { assertTopicPattern, compilePatterns } from '../protocol/topic.js';
import type { Connection } from './connection.js';
import { concatFrames, type EncodedEvent, encodeEvent } from './encoded-event.js';
import { type PublishInput, toEventInput } from './publish-input.js';
import { RecentEvents } from './recent-events.js';
import { type ResetReason, resetFrame } from './reset.js';
import { type CloseReason, Subscriber } from './subscriber.js';
import { normalizePatterns, SubscriptionIndex, type TopicGroup } from './subscription-index.js';
import { UnsentBudget } from './unsent-budget.js';

export interface HubSettings {
  heartbeatMs: number;
  retryMs: number;
  maxBufferBytes: number;
  maxConnectionLifetimeMs?: number | undefined;
  maxConnections?: number | undefined;
  maxEventBytes: number;
  maxTopicsPerConnection: number;
  maxTopicsPerEvent: number;
  recentEvents: number;
  /** Byte bound of the recent-events cache (unbounded if unset). */
  recentEventsBytes?: number | undefined;
  /** Global cap on unsent bytes: snapshots being sent plus stream queues (see UnsentBudget); unbounded if unset. */
  maxUnsentBytes?: number | undefined;
  retention: { maxEvents: number | undefined; maxAgeMs: number | undefined };
  retentionIntervalMs: number;
}

export interface SubscribeRequest {
  topics: readonly string[];
  /** From the `Last-Event-ID` header or the `lastEventId` query parameter. */
  lastEventId?: string | undefined;
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
      connections: this.#index.size,
      recentEventsBytes: this.#recent.bytes,
      unsentBytes: this.unsent.used,
    };
  }

  /** Appends one event; resolves with it once the log holds it durably. */
  async publish(input: PublishInput): Promise<StoredEvent> {
    if (this.#closing) throw new SseHubError('SHUTTING_DOWN', 'The hub is shutting down');
    const entry = toEventInput(input, this.settings);
    const [stored] = await this.log.append([entry]);
    return stored as StoredEvent;
  }

  /** Validates subscription topics; throws before any response is written. */
  checkSubscription(request: SubscribeRequest): string[] {
    if (this.#closing) throw new SseHubError('SHUTTING_DOWN', 'The hub is shutting down');
    if (request.topics.length === 0) {
      throw new SseHubError('MISSING_TOPIC', 'Name at least one topic: /events?topic=chat (repeat topic= for more)');
    }
    if (request.topics.length > this.settings.maxTopicsPerConnection) {
      throw new SseHubError(
        'TOO_MANY_TOPICS',
        `A stream may follow at most ${this.settings.maxTopicsPerConnection} topics; got ${request.topics.length}`,
      );
    }
    const max = this.settings.maxConnections;
    if (max !== undefined && this.#index.size >= max) {
      throw new SseHubError('TOO_MANY_CONNECTIONS', `The hub is at its limit of ${max} open streams; retry later`);
    }
    return normalizePatterns(request.topics.map(assertTopicPattern));
  }

  /**
   * Starts a stream on an open connection: `retry`, then either history after the
   * client's last event id or a `reset`, then the live feed.
   */
  async subscribe(connection: Connection, request: SubscribeRequest): Promise<Subscriber> {
    const patterns = this.checkSubscription(request);
    const subscriber = new Subscriber({
      connection,
      patterns,
      matches: compilePatterns(patterns),
      maxBufferBytes: this.settings.maxBufferBytes,
      now: Date.now(),
      lifetimeMs: this.settings.maxConnectionLifetimeMs,
    });
    connection.onClose(() => this.#release(subscriber, 'client'));
    // Registered before reading the log: whatever is appended from now on is parked
    // in the subscriber and de-duplicated against the replay by position.
    this.#index.add(subscriber);
    subscriber.write(this.#retryFrame, subscriber.openedAt);
    try {
      const position = await this.log.position();
      await this.#catchUp(subscriber, request.lastEventId, position);
      subscriber.goLive(Date.now());
    } catch (err) {
      this.#logger.error({ err, subscriber: subscriber.id }, 'replay failed; closing the stream');
      this.#release(subscriber, 'error');
    }
    return subscriber;
  }

  async #catchUp(subscriber: Subscriber, lastEventId: string | undefined, position: LogPosition): Promise<void> {
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
      subscriber.lastSeq = position.head;
      subscriber.write(resetFrame(reason, lastEventId, headId), Date.now());
      return;
    }
    let cursor = (parseEventId(lastEventId) as { seq: number }).seq;
    subscriber.lastSeq = cursor;
    for (;;) {
      if (subscriber.state === 'closed') return;
      const page =
        this.#recent.after(cursor, REPLAY_PAGE) ?? (await this.log.readAfter(cursor, REPLAY_PAGE)).map(encodeEvent);
      if (page.length === 0) break;
      cursor = (page[page.length - 1] as EncodedEvent).event.seq;
      const matching = page.filter((e) => e.event.topics.some(subscriber.matches));
      await this.#writeReplay(subscriber, matching);
      subscriber.lastSeq = cursor;
    }
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
      this.#stats.delivered += end - start;
      start = end;
    }
  }

  #enqueue(events: readonly StoredEvent[]): void {
    this.#stats.published += events.length;
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
    for (const [group, events] of routed) {
      const chunk = concatFrames(events);
      for (const subscriber of group.members) subscriber.deliver(chunk, events, now);
      delivered += group.members.size * events.length;
    }
    this.#stats.delivered += delivered;
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
      if (now >= subscriber.expiresAt) this.#release(subscriber, 'lifetime');
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
