import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SseHubError } from '../src/errors.js';
import type { LogPosition, StoredEvent } from '../src/log/event-log.js';
import { RedisEventLog } from '../src/log/redis-log.js';
import {
  deleteKeys,
  freePort,
  redisReachable,
  requireOrSkip,
  SHARED_REDIS_URL,
  uniquePrefix,
} from './fixtures/cluster-redis.js';

const available = requireOrSkip(await redisReachable(), `Redis at ${SHARED_REDIS_URL}`);

/** Resolves once `predicate` holds, polling; fails after `ms`. */
async function until(predicate: () => boolean, ms = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.skipIf(!available)('RedisEventLog against a real Redis', () => {
  const prefixes: string[] = [];
  const logs: RedisEventLog[] = [];
  const admin = new Redis(SHARED_REDIS_URL);

  async function openLog(prefix: string, blockMs = 200): Promise<RedisEventLog> {
    const log = new RedisEventLog({ url: SHARED_REDIS_URL, prefix, blockMs });
    await log.open();
    logs.push(log);
    return log;
  }

  function freshPrefix(): string {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    return prefix;
  }

  function collect(log: RedisEventLog): StoredEvent[] {
    const seen: StoredEvent[] = [];
    log.onAppend((events) => seen.push(...events));
    return seen;
  }

  afterEach(async () => {
    await Promise.all(logs.splice(0).map((log) => log.close()));
  });

  it('stores adapter meta, resolves publisher ids on every node, and refuses a repeated id atomically', async () => {
    const prefix = freshPrefix();
    const one = await openLog(prefix);
    const two = await openLog(prefix);
    const fed = collect(two);
    const meta = { origin: 'mercure', private: true as const, externalId: 'urn:r:1', retry: 7 };
    const [stored] = await one.append([{ topics: ['t'], type: 'x', data: 'a', meta }]);
    await expect(
      two.append([
        { topics: ['t'], data: 'fresh', meta: { externalId: 'urn:r:2' } },
        { topics: ['t'], data: 'dup', meta: { externalId: 'urn:r:1' } },
      ]),
    ).rejects.toMatchObject({ code: 'DUPLICATE_EVENT_ID' });
    // Nothing of the refused batch was written.
    expect(await two.findExternalId('urn:r:2')).toBeUndefined();
    expect(await two.findExternalId('urn:r:1')).toBe(stored?.seq);
    expect((await two.readAfter(0, 10)).map((e) => [e.data, e.meta])).toEqual([['a', meta]]);
    await until(() => fed.length === 1, 5_000, 'the live feed');
    expect(fed[0]?.meta).toEqual(meta);
  });

  afterAll(async () => {
    for (const prefix of prefixes) await deleteKeys(prefix);
    admin.disconnect();
  });

  it('appends, reads after a position and reports the position', async () => {
    const log = await openLog(freshPrefix());
    const { epoch } = await log.position();
    const stored = await log.append([
      { topics: ['chat', 'chat/room-1'], type: 'message', data: '{"text":"hi"}' },
      { topics: ['chat'], data: 'plain text with\nnewline' },
    ]);
    const [third] = await log.append([{ topics: ['other'], data: 'x' }]);
    expect(stored.map((e) => e.id)).toEqual([`${epoch}-1`, `${epoch}-2`]);
    expect(third?.id).toBe(`${epoch}-3`);

    const all = await log.readAfter(0, 10);
    expect(all).toEqual([...stored, third]);
    expect(all[1]?.type).toBeUndefined();
    expect(await log.readAfter(1, 1)).toEqual([stored[1]]);
    expect(await log.readAfter(3, 10)).toEqual([]);
    expect(await log.position()).toEqual({ epoch, head: 3, trimmedThrough: 0 });
  });

  it('gives identical ids on two instances and feeds both every event once, in order', async () => {
    const prefix = freshPrefix();
    const a = await openLog(prefix);
    const b = await openLog(prefix);
    expect(a.epoch).toBe(b.epoch);
    const seenA = collect(a);
    const seenB = collect(b);
    const appended: StoredEvent[] = [];
    for (let i = 0; i < 20; i++) {
      const log = i % 2 === 0 ? a : b;
      appended.push(...(await log.append([{ topics: ['t'], data: `event ${i}` }])));
    }
    appended.push(
      ...(
        await Promise.all([a.append([{ topics: ['t'], data: 'x' }]), b.append([{ topics: ['t'], data: 'y' }])])
      ).flat(),
    );
    // An end marker appended last: a repeat of anything before it would arrive before it.
    appended.push(...(await a.append([{ topics: ['t'], data: 'end' }])));
    const ended = (events: StoredEvent[]) => events.some((e) => e.data === 'end');
    await until(() => ended(seenA) && ended(seenB), 5_000, 'the end marker on both feeds');
    const byId = (events: StoredEvent[]) => events.map((e) => `${e.id}:${e.data}`);
    expect(seenA.map((e) => e.seq)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
    expect(byId(seenA)).toEqual(byId(seenB));
    expect(byId(seenA).sort()).toEqual(byId(appended).sort());
    expect(await a.readAfter(0, 100)).toEqual(await b.readAfter(0, 100));
  });

  it('trims by count and reads trimmedThrough back exactly', async () => {
    const log = await openLog(freshPrefix());
    await log.append(Array.from({ length: 20 }, (_, i) => ({ topics: ['t'], data: String(i) })));
    expect(await log.trim({ maxEvents: 5 })).toBe(15);
    const position = await log.position();
    expect(position.head).toBe(20);
    expect(position.trimmedThrough).toBe(15);
    expect((await log.readAfter(0, 100)).map((e) => e.seq)).toEqual([16, 17, 18, 19, 20]);
    expect(await log.trim({ maxEvents: 5 })).toBe(0);
  });

  it('trims by age using the time stored in each entry', async () => {
    const log = await openLog(freshPrefix());
    await log.append(Array.from({ length: 7 }, (_, i) => ({ topics: ['t'], data: `old ${i}` })));
    await new Promise((resolve) => setTimeout(resolve, 400));
    await log.append([{ topics: ['t'], data: 'new 1' }]);
    await log.append([{ topics: ['t'], data: 'new 2' }]);
    expect(await log.trim({ maxAgeMs: 200 })).toBe(7);
    expect((await log.position()).trimmedThrough).toBe(7);
    expect((await log.readAfter(0, 100)).map((e) => e.data)).toEqual(['new 1', 'new 2']);
  });

  it('notices a wiped Redis: a new epoch, reported to onEpochChange, and fresh positions', async () => {
    const prefix = freshPrefix();
    const log = await openLog(prefix);
    const seen = collect(log);
    const changes: LogPosition[] = [];
    log.onEpochChange((position) => changes.push(position));
    const oldEpoch = log.epoch;
    await log.append([{ topics: ['t'], data: 'before' }]);
    await until(() => seen.length === 1, 5_000, 'the first event');
    await admin.del(...Object.values(log.keys));

    await until(() => changes.length === 1, 5_000, 'the epoch change');
    expect(changes[0]?.epoch).not.toBe(oldEpoch);
    expect(log.epoch).toBe(changes[0]?.epoch);
    const [after] = await log.append([{ topics: ['t'], data: 'after' }]);
    expect(after?.id).toBe(`${log.epoch}-1`);
    await until(() => seen.length === 2, 5_000, 'the event of the new epoch');
    expect(seen.map((e) => e.id)).toEqual([`${oldEpoch}-1`, `${log.epoch}-1`]);
  });

  it('retires the epoch when the log goes backwards within one epoch', async () => {
    const prefix = freshPrefix();
    const log = await openLog(prefix);
    const seen = collect(log);
    const changes: LogPosition[] = [];
    log.onEpochChange((position) => changes.push(position));
    const oldEpoch = log.epoch;
    await log.append(Array.from({ length: 5 }, (_, i) => ({ topics: ['t'], data: String(i) })));
    await until(() => seen.length === 5, 5_000, 'five events');
    // As if Redis restarted from data older than what the feed already delivered:
    // the same epoch, but only the first two events.
    const kept = await admin.xrange(log.keys.stream, '-', '2-0');
    await admin.del(log.keys.stream);
    for (const [id, fields] of kept) await admin.xadd(log.keys.stream, id, ...fields);
    await admin.set(log.keys.seq, '2');

    await until(() => changes.length === 1, 5_000, 'the epoch change');
    expect(changes[0]?.epoch).not.toBe(oldEpoch);
    const [next] = await log.append([{ topics: ['t'], data: 'next' }]);
    expect(next?.id).toBe(`${changes[0]?.epoch}-3`);
  });

  it('fails with LOG_UNAVAILABLE when Redis cannot be reached', async () => {
    const port = await freePort();
    const log = new RedisEventLog({ url: `redis://127.0.0.1:${port}`, prefix: freshPrefix(), connectTimeoutMs: 1_000 });
    const error = await log.open().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SseHubError);
    expect((error as SseHubError).code).toBe('LOG_UNAVAILABLE');
    expect(log.health().ok).toBe(false);
  });

  it('rejects a prefix that would break the hash tag', () => {
    expect(() => new RedisEventLog({ url: SHARED_REDIS_URL, prefix: 'a{b}:' })).toThrow(/braces/);
  });
});
