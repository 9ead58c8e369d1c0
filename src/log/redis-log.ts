import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { SseHubError } from '../errors.js';
import { formatEventId, newEpoch } from './event-id.js';
import type {
  CheckpointStore,
  EventInput,
  EventLog,
  LogHealth,
  LogPosition,
  RetentionPolicy,
  StoredEvent,
} from './event-log.js';
import { duplicateExternalId, externalIdsOf } from './event-meta.js';
import { AppendListeners } from './listeners.js';
import { decodeEntry, entryArgs, type RawStreamEntry, seqOfEntryId } from './redis-entry.js';
import { DEFAULT_REDIS_PREFIX, type RedisLogKeys, redisLogKeys } from './redis-keys.js';
import { RedisLiveFeed } from './redis-live-feed.js';
import {
  appendScript,
  appendWithCheckpointScript,
  positionScript,
  replaceEpochScript,
  trimScript,
} from './redis-scripts.js';
import { safeUrl } from './safe-url.js';

export interface RedisLogOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  url: string;
  /** Prepended to every key (default `ssehub:`); one prefix per hub sharing a Redis. */
  prefix?: string | undefined;
  logger?: Logger | undefined;
  /** A command not answered within this many ms fails (append answers 503). Default 5000. */
  commandTimeoutMs?: number | undefined;
  /** How long `open` waits for Redis before failing. Default 5000. */
  connectTimeoutMs?: number | undefined;
  /** XREAD BLOCK time; a quiet feed re-checks the epoch this often. Default 2000. */
  blockMs?: number | undefined;
}

/** Positions removed per trim script call, so one call never holds Redis for long. */
const TRIM_STEP = 10_000;
const FEED_BATCH = 1_000;

/**
 * The shared event log of a cluster, on Redis Streams. Every node appends
 * through one Lua script that takes positions from a counter (INCRBY) and XADDs
 * each event with the explicit id `<seq>-0`, so ids are the same on every node.
 * Every node's live feed is one XREAD loop over the stream ({@link RedisLiveFeed}),
 * which also carries the node's own appends.
 *
 * Redis down: appends fail at once with LOG_UNAVAILABLE (no offline queue, no
 * resend after a reconnect), `health()` reports it, the feed reconnects with
 * backoff. Redis back empty: the first touch sets a new epoch; the feed notices
 * and calls the `onEpochChange` listeners so the hub resets open streams.
 */
export class RedisEventLog implements EventLog {
  /** Checkpoints in a hash beside the stream, written by the append script itself (one atomic step). */
  readonly checkpoints: CheckpointStore = {
    appendWithCheckpoint: async (chunks, key, value) => {
      const inputs = [...chunks].flat();
      const reply = (await this.#run('append', () =>
        appendWithCheckpointScript.run(
          this.#redis(),
          [this.#keys.stream, this.#keys.seq, this.#keys.epoch, this.#keys.checkpoints],
          [newEpoch(), key, value, ...inputs.flatMap(entryArgs)],
        ),
      )) as [string, number, string];
      return this.#stored(inputs, reply);
    },
    readCheckpoint: async (key) =>
      (await this.#run('read checkpoint', () => this.#redis().hget(this.#keys.checkpoints, key))) ?? undefined,
  };
  readonly #url: string;
  readonly #keys: RedisLogKeys;
  readonly #logger: Logger | undefined;
  readonly #options: RedisLogOptions;
  readonly #listeners = new AppendListeners();
  readonly #epochListeners = new Set<(position: LogPosition) => void>();
  #commands: Redis | undefined;
  #feed: RedisLiveFeed | undefined;
  #epoch = '';
  #connectionLost = false;
  #closed = false;

  constructor(options: RedisLogOptions) {
    this.#options = options;
    this.#url = options.url;
    this.#keys = redisLogKeys(options.prefix ?? DEFAULT_REDIS_PREFIX);
    this.#logger = options.logger;
  }

  /** The key names in use (for tools and tests). */
  get keys(): RedisLogKeys {
    return this.#keys;
  }

  /** The epoch the live feed is in. */
  get epoch(): string {
    return this.#epoch;
  }

  async open(): Promise<void> {
    if (this.#commands) throw new Error('RedisEventLog.open called twice');
    const commands = this.#connect('ssehub', { commandTimeout: this.#options.commandTimeoutMs ?? 5_000 });
    const reader = this.#connect('ssehub-feed', {});
    this.#commands = commands;
    this.#watch(commands);
    try {
      await withTimeout(
        Promise.all([commands.connect(), reader.connect()]),
        this.#options.connectTimeoutMs ?? 5_000,
        'timed out',
      );
    } catch (err) {
      commands.disconnect();
      reader.disconnect();
      this.#commands = undefined;
      throw new SseHubError(
        'LOG_UNAVAILABLE',
        `Cannot reach Redis at ${safeUrl(this.#url)}: ${(err as Error).message}. Start Redis or fix --redis / SSEHUB_REDIS_URL.`,
        undefined,
        { cause: err },
      );
    }
    let position: LogPosition;
    try {
      position = await this.position();
    } catch (err) {
      commands.disconnect();
      reader.disconnect();
      this.#closed = true;
      throw err;
    }
    this.#epoch = position.epoch;
    this.#feed = new RedisLiveFeed({
      reader,
      stream: this.#keys.stream,
      blockMs: this.#options.blockMs ?? 2_000,
      batch: FEED_BATCH,
      logger: this.#logger,
      epoch: () => this.#epoch,
      deliver: (entries) => this.#listeners.emit(entries.map((entry) => entry.event)),
      resync: (cursor) => this.#resync(cursor),
    });
    this.#feed.start(position.head);
  }

  async append(inputs: readonly EventInput[]): Promise<StoredEvent[]> {
    if (inputs.length === 0) return [];
    externalIdsOf(inputs); // a batch repeating a publisher id is refused before Redis is asked
    const reply = (await this.#run('append', () =>
      appendScript.run(
        this.#redis(),
        [this.#keys.stream, this.#keys.seq, this.#keys.epoch, this.#keys.externalIds],
        [newEpoch(), ...inputs.flatMap(entryArgs)],
      ),
    )) as [string, number | string, string];
    if (reply[0] === 'duplicate') throw duplicateExternalId(String(reply[1]));
    return this.#stored(inputs, reply as [string, number, string]);
  }

  #stored(inputs: readonly EventInput[], [epoch, first, ms]: [string, number, string]): StoredEvent[] {
    const time = Number(ms);
    return inputs.map((input, i) => ({
      seq: first + i,
      id: formatEventId(epoch, first + i),
      topics: [...input.topics],
      type: input.type,
      data: input.data,
      time,
      ...(input.meta && { meta: input.meta }),
    }));
  }

  async findExternalId(externalId: string): Promise<number | undefined> {
    const seq = await this.#run('read', () => this.#redis().hget(this.#keys.externalIds, externalId));
    return seq === null ? undefined : Number(seq);
  }

  async readAfter(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const raw = (await this.#run('read', () =>
      this.#redis().xrange(this.#keys.stream, `${afterSeq + 1}-0`, '+', 'COUNT', limit),
    )) as RawStreamEntry[];
    return raw.map((item) => decodeEntry(item).event);
  }

  /** Redis' current position (a Redis that came back empty gets its new epoch here). */
  async position(): Promise<LogPosition> {
    const [epoch, head, trimmed] = (await this.#run('read the position of', () =>
      positionScript.run(this.#redis(), [this.#keys.seq, this.#keys.epoch, this.#keys.trimmed], [newEpoch()]),
    )) as [string, string, string];
    return { epoch, head: Number(head), trimmedThrough: Number(trimmed) };
  }

  onAppend(listener: (events: readonly StoredEvent[]) => void): () => void {
    return this.#listeners.add(listener);
  }

  onEpochChange(listener: (position: LogPosition) => void): () => void {
    this.#epochListeners.add(listener);
    return () => this.#epochListeners.delete(listener);
  }

  /**
   * Count retention cuts at `head - maxEvents`; age retention finds the newest
   * entry older than the cutoff (by the Redis clock, which stamped the entries)
   * with a binary search over positions. Entries are removed with exact
   * `XTRIM MINID` in steps, and trimmedThrough is read back from the stream.
   */
  async trim(policy: RetentionPolicy): Promise<number> {
    if (!this.health().ok) return 0; // retention waits for Redis; no error every interval meanwhile
    const position = await this.position();
    if (position.epoch !== this.#epoch) return 0; // the live feed switches epochs first
    let cut = 0;
    if (policy.maxEvents !== undefined) cut = position.head - policy.maxEvents;
    if (policy.maxAgeMs !== undefined) {
      const [seconds, micros] = await this.#run('read the clock of', () => this.#redis().time());
      const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      cut = Math.max(cut, await this.#lastOlderThan(now - policy.maxAgeMs, position.head));
    }
    let removed = 0;
    let through = position.trimmedThrough;
    while (through < cut) {
      const step = Math.min(cut, through + TRIM_STEP);
      const [count, newThrough] = (await this.#run('trim', () =>
        trimScript.run(
          this.#redis(),
          [this.#keys.stream, this.#keys.trimmed, this.#keys.epoch],
          [position.epoch, step],
        ),
      )) as [number, number];
      if (count < 0 || newThrough <= through) break;
      removed += count;
      through = newThrough;
    }
    return removed;
  }

  health(): LogHealth {
    if (this.#closed) return { ok: false, detail: 'closed' };
    const status = this.#commands?.status ?? 'not open';
    if (status !== 'ready') return { ok: false, detail: `Redis connection is ${status}` };
    const problem = this.#feed?.problem;
    return problem ? { ok: false, detail: problem } : { ok: true };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#feed?.stop();
    const commands = this.#commands;
    if (commands) await commands.quit().catch(() => commands.disconnect());
  }

  /** Where the feed continues after an outage, a quiet period or an entry of another epoch. */
  async #resync(cursor: number): Promise<number> {
    let position = await this.position();
    if (position.epoch === this.#epoch && position.head < cursor) {
      // Same epoch but fewer events than delivered: Redis restarted from older data.
      // Ids after the head would be handed out again for other events, so retire the epoch.
      this.#logger?.error(
        { epoch: this.#epoch, head: position.head, delivered: cursor },
        'the Redis log went backwards (events were lost); starting a new epoch',
      );
      await this.#run('replace the epoch of', () =>
        replaceEpochScript.run(this.#redis(), [this.#keys.epoch], [position.epoch, newEpoch()]),
      );
      position = await this.position();
    }
    if (position.epoch === this.#epoch) return cursor;
    this.#logger?.warn({ from: this.#epoch, to: position.epoch, head: position.head }, 'the Redis log has a new epoch');
    this.#epoch = position.epoch;
    for (const listener of this.#epochListeners) {
      try {
        listener(position);
      } catch (err) {
        this.#logger?.error({ err }, 'an epoch-change listener failed');
      }
    }
    return position.head;
  }

  /** The newest position whose entry is older than `cutoff` (0 when none is). */
  async #lastOlderThan(cutoff: number, head: number): Promise<number> {
    const probe = async (from: number | '-') => {
      const [item] = (await this.#run('read', () =>
        this.#redis().xrange(this.#keys.stream, from === '-' ? '-' : `${from}-0`, '+', 'COUNT', 1),
      )) as RawStreamEntry[];
      return item && { seq: seqOfEntryId(item[0]), time: decodeEntry(item).event.time };
    };
    const oldest = await probe('-');
    if (!oldest || oldest.time >= cutoff) return 0;
    // Invariant: the entry at `old` is older than the cutoff; no entry at or after `young` is.
    let old = oldest.seq;
    let young = head + 1;
    while (young - old > 1) {
      const mid = Math.floor((old + young) / 2);
      const entry = await probe(mid);
      if (!entry || entry.seq >= young || entry.time >= cutoff) young = mid;
      else old = entry.seq;
    }
    return old;
  }

  #redis(): Redis {
    if (!this.#commands || this.#closed) throw new SseHubError('LOG_UNAVAILABLE', 'The Redis event log is not open');
    return this.#commands;
  }

  /** Runs a Redis call; any failure becomes LOG_UNAVAILABLE (503). */
  async #run<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof SseHubError) throw err;
      throw new SseHubError(
        'LOG_UNAVAILABLE',
        `Could not ${what} the Redis event log: ${(err as Error).message}`,
        undefined,
        { cause: err },
      );
    }
  }

  #connect(name: string, extra: RedisOptions): Redis {
    const redis = new Redis(this.#url, {
      lazyConnect: true,
      connectionName: name,
      // Fail fast while disconnected, and never resend a command after a reconnect:
      // an append answered 503 must not be stored later behind the caller's back.
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      connectTimeout: this.#options.connectTimeoutMs ?? 5_000,
      retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times - 1, 5), 2_000),
      ...extra,
    });
    // ioredis reports every failed reconnect as an 'error' event; the state changes are logged in #watch.
    redis.on('error', (err: Error) => this.#logger?.debug({ err: err.message, connection: name }, 'Redis error'));
    return redis;
  }

  #watch(redis: Redis): void {
    redis.on('close', () => {
      if (this.#closed || this.#connectionLost) return;
      this.#connectionLost = true;
      this.#logger?.warn(
        { redis: safeUrl(this.#url) },
        'lost the Redis connection; publishes answer 503 until it is back',
      );
    });
    redis.on('ready', () => {
      if (!this.#connectionLost) return;
      this.#connectionLost = false;
      this.#logger?.info({ redis: safeUrl(this.#url) }, 'the Redis connection is back');
    });
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
