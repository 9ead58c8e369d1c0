import { Redis } from 'ioredis';

/** One active subscription as the Mercure subscriptions API shows it. */
export interface SubscriptionRecord {
  readonly id: string;
  readonly type: 'Subscription';
  readonly topic: string;
  readonly subscriber: string;
  readonly active: boolean;
  readonly payload?: unknown;
}

/** Where active subscriptions are kept so that every node lists the same ones. */
export interface SubscriptionStore {
  add(records: readonly SubscriptionRecord[]): Promise<void>;
  remove(records: readonly SubscriptionRecord[]): Promise<void>;
  list(): Promise<SubscriptionRecord[]>;
  close(): Promise<void>;
}

/** One node: the subscriptions of its own streams. */
export class MemorySubscriptionStore implements SubscriptionStore {
  readonly #records = new Map<string, SubscriptionRecord>();

  async add(records: readonly SubscriptionRecord[]): Promise<void> {
    for (const r of records) this.#records.set(r.id, r);
  }

  async remove(records: readonly SubscriptionRecord[]): Promise<void> {
    for (const r of records) this.#records.delete(r.id);
  }

  async list(): Promise<SubscriptionRecord[]> {
    return [...this.#records.values()];
  }

  async close(): Promise<void> {}
}

export interface RedisSubscriptionStoreOptions {
  url: string;
  /** The cluster's key prefix (same as the event log's). */
  prefix: string;
  /** How long an entry outlives its node's last refresh (a crashed node's streams vanish then). */
  ttlMs?: number;
  /**
   * Told when a background refresh fails (it is retried at the next tick): if
   * refreshes keep failing past the TTL, this node's subscriptions drop out of
   * the shared list, so the failure must be seen rather than swallowed.
   */
  onRefreshError?: (err: unknown) => void;
}

/**
 * A cluster's subscriptions in one Redis hash (field: subscription id; value:
 * the record and when it expires). Each node adds its streams' records before
 * the stream starts, deletes them when it ends, and re-stamps its live ones
 * every third of the TTL; readers skip (and delete) expired entries. So every
 * node lists the same set: a subscription is listed everywhere from the moment
 * its stream opened until it closed, or until one TTL after its node died.
 */
export class RedisSubscriptionStore implements SubscriptionStore {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #ttlMs: number;
  readonly #own = new Map<string, SubscriptionRecord>();
  readonly #timer: NodeJS.Timeout;

  constructor(options: RedisSubscriptionStoreOptions) {
    this.#redis = new Redis(options.url, { lazyConnect: false, maxRetriesPerRequest: 2 });
    // Failures surface on the calls (a subscribe answers 5xx, a refresh is retried); no unhandled 'error' events.
    this.#redis.on('error', () => {});
    this.#key = `${options.prefix}{mercure}:subscriptions`;
    this.#ttlMs = options.ttlMs ?? 30_000;
    const onError = options.onRefreshError ?? (() => {});
    this.#timer = setInterval(() => void this.#refresh().catch(onError), this.#ttlMs / 3).unref();
  }

  async add(records: readonly SubscriptionRecord[]): Promise<void> {
    for (const r of records) this.#own.set(r.id, r);
    await this.#write(records);
  }

  async remove(records: readonly SubscriptionRecord[]): Promise<void> {
    for (const r of records) this.#own.delete(r.id);
    if (records.length > 0) await this.#redis.hdel(this.#key, ...records.map((r) => r.id));
  }

  async list(): Promise<SubscriptionRecord[]> {
    const entries = await this.#redis.hgetall(this.#key);
    const now = Date.now();
    const out: SubscriptionRecord[] = [];
    const expired: string[] = [];
    for (const [id, value] of Object.entries(entries)) {
      const { expiresAt, record } = JSON.parse(value) as { expiresAt: number; record: SubscriptionRecord };
      if (expiresAt < now) expired.push(id);
      else out.push(record);
    }
    if (expired.length > 0) await this.#redis.hdel(this.#key, ...expired);
    return out;
  }

  async #refresh(): Promise<void> {
    await this.#write([...this.#own.values()]);
  }

  async #write(records: readonly SubscriptionRecord[]): Promise<void> {
    if (records.length === 0) return;
    const expiresAt = Date.now() + this.#ttlMs;
    const fields = records.flatMap((r) => [r.id, JSON.stringify({ expiresAt, record: r })]);
    await this.#redis.hset(this.#key, ...fields);
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    const own = [...this.#own.values()];
    this.#own.clear();
    try {
      if (own.length > 0) await this.#redis.hdel(this.#key, ...own.map((r) => r.id));
    } finally {
      this.#redis.disconnect();
    }
  }
}
