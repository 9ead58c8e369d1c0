// @ts-nocheck
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatEventId } from '../src/log/event-id.js';
import type { ParsedEvent } from '../src/protocol/parser.js';
import { MESSAGES } from './fixtures/collections-rules.js';
import { openLive, type RawLive } from './fixtures/collections-support.js';
import { startHub } from './support/hub-server.js';
import { openStream, type RecordedStream } from './support/sse-stream.js';
import { bearer, hsToken, TEST_SECRET } from './support/tokens.js';
import { waitUntil } from './support/wait.js';

/**
 * Every way a reader could try to see records its read rule denies: wildcard
 * topics, one record's topic, replay from an old id, live queries with and
 * without `where`, and updates that move records in and out of view. The
 * attacker (bob, room b) holds subscribe rights on every topic, so the read
 * rule alone must stop the leak. Each test ends with a marker bob may see and
 * asserts on everything that arrived before it.
 */

let server: Awaited<ReturnType<typeof startHub>>;
let url: string;
let bob: Record<string, string>;
let admin: Record<string, string>;
const closers: (() => void)[] = [];

beforeAll(async () => {
  server = await startHub({ jwtSecret: TEST_SECRET, collections: { messages: MESSAGES } });
  url = server.url;
  bob = bearer(await hsToken({ sub: 'bob', claims: { rooms: ['b', 'c'], ssehub: { subscribe: ['**'] } } }));
  admin = bearer(await hsToken({ sub: 'root', claims: { rooms: [], ssehub: { subscribe: ['**'], admin: true } } }));
});

afterEach(() => {
  for (const close of closers.splice(0)) close();
});

afterAll(async () => {
  await server.stop();
});

const SECRET = 'SECRET-room-a';
const collections = () => server.hub.collections!;
let counter = 0;

/** A secret write (room a, which bob may not read) from trusted code. */
async function secret() {
  return (await collections().insert('messages', { text: `${SECRET} ${++counter}`, room: 'a', author: 'ada' })).record;
}

/** A record bob may read; its text is the marker the test waits for. */
async function marker(fields: Record<string, unknown> = {}) {
  const text = `END-${++counter}`;
  const { record } = await collections().insert('messages', { text, room: 'b', author: 'bob', ...fields });
  return { text, record };
}

async function events(topics: string[], options: Parameters<typeof openStream>[2] = {}): Promise<RecordedStream> {
  const stream = await openStream(url, topics, { headers: bob, ...options });
  closers.push(() => stream.close());
  expect(stream.status).toBe(200);
  return stream;
}

async function live(options: Parameters<typeof openLive>[2] = {}): Promise<RawLive> {
  const stream = await openLive(url, 'messages', { headers: bob, ...options });
  closers.push(() => stream.close());
  expect(stream.status).toBe(200);
  return stream;
}

/** The events that arrived up to and including the one carrying `text`. */
async function until(list: () => ParsedEvent[], text: string): Promise<ParsedEvent[]> {
  await waitUntil(() => list().some((e) => e.data.includes(text)), 15_000, `the marker ${text}`);
  // The session frame of a token stream carries no record.
  const all = list().filter((e) => e.type !== 'session');
  return all.slice(0, all.findIndex((e) => e.data.includes(text)) + 1);
}

function expectNoSecret(seen: ParsedEvent[]) {
  for (const event of seen) expect(event.data).not.toContain(SECRET);
  for (const event of seen) expect(event.data).not.toContain('"room":"a"');
}

async function headId(): Promise<string> {
  const position = await server.hub.log.position();
  return formatEventId(position.epoch, position.head);
}

describe('no record crosses the wire to a reader whose rule denies it', () => {
  it('the attack works on an admin stream (the control): secret changes are there to be leaked', async () => {
    const stream = await openStream(url, ['**'], { headers: admin });
    closers.push(() => stream.close());
    await waitUntil(() => stream.ids.length > 0, 15_000, 'the stream to start');
    await secret();
    const end = await marker();
    const seen = await until(() => stream.events, end.text);
    expect(seen.some((e) => e.data.includes(SECRET))).toBe(true);
  });

  for (const topics of [['**'], ['collections/**'], ['collections/messages'], ['collections/*', 'collections/*/*']]) {
    it(`/events?topic=${topics.join('&topic=')} carries only readable changes`, async () => {
      const stream = await events(topics);
      await waitUntil(() => stream.ids.length > 0, 15_000, 'the stream to start');
      const s = await secret();
      await collections().patch('messages', s.id, { text: `${SECRET} edited` });
      await collections().delete('messages', s.id);
      const visible = await marker();
      await collections().patch('messages', visible.record.id, { text: 'still visible' });
      const end = await marker();
      const seen = await until(() => stream.events, end.text);
      expectNoSecret(seen);
      expect(seen.map((e) => e.type)).toEqual(['insert', 'update', 'insert']);
    });
  }

  it("/events on one denied record's own topic carries nothing of it", async () => {
    const s = await secret();
    const end = await marker();
    const stream = await events([`collections/messages/${s.id}`, `collections/messages/${end.record.id}`]);
    await waitUntil(() => stream.ids.length > 0, 15_000, 'the stream to start');
    await collections().patch('messages', s.id, { text: `${SECRET} edited` });
    await collections().delete('messages', s.id);
    await collections().patch('messages', end.record.id, { text: `${end.text} done` });
    const seen = await until(() => stream.events, `${end.text} done`);
    expectNoSecret(seen);
    expect(seen.map((e) => e.type)).toEqual(['update']);
  });

  it('replay from an old Last-Event-ID skips denied changes (on /events and on /live)', async () => {
    const from = await headId();
    const s = await secret();
    await collections().patch('messages', s.id, { text: `${SECRET} again` });
    await marker();
    await collections().delete('messages', s.id);
    const end = await marker();
    // Both connect after the writes: everything they get comes from the replay path.
    const replayed = await events(['**'], { lastEventId: from });
    const resumed = await live({ lastEventId: from });
    const seen = await until(() => replayed.events, end.text);
    expectNoSecret(seen);
    expect(seen.map((e) => e.type)).toEqual(['insert', 'insert']);
    const liveSeen = await until(() => resumed.events, end.text);
    expectNoSecret(liveSeen);
    expect(liveSeen.map((e) => e.type)).toEqual(['insert', 'insert']); // resumed: no snapshot
  });

  it('/live without where: the snapshot and the changes hold only readable records', async () => {
    await secret();
    const mine = await marker();
    const stream = await live();
    await waitUntil(() => stream.state.snapshots === 1, 15_000, 'the snapshot');
    const s = await secret();
    await collections().patch('messages', s.id, { text: `${SECRET} edited` });
    const end = await marker();
    const seen = await until(() => stream.events, end.text);
    expectNoSecret(seen);
    const snapshot = JSON.parse(seen[0]!.data) as { records: { id: string; data: { room: string } }[] };
    expect(snapshot.records.length).toBeGreaterThan(0);
    expect(snapshot.records.every((r) => r.data.room !== 'a')).toBe(true);
    expect(snapshot.records.map((r) => r.id)).toContain(mine.record.id);
    expect(seen.map((e) => e.type)).toEqual(['snapshot', 'insert']);
  });

  it('/live asking for a denied room with where sees only records the rule allows', async () => {
    await secret();
    const stream = await live({ where: { room: 'a' } });
    await waitUntil(() => stream.state.snapshots === 1, 15_000, 'the snapshot');
    await secret();
    // The only room-a record bob may read: a public one.
    const { record } = await collections().insert('messages', {
      text: 'END-public',
      room: 'a',
      author: 'ada',
      public: true,
    });
    const seen = await until(() => stream.events, 'END-public');
    expectNoSecretExcept(seen, record.id);
    expect(JSON.parse(seen[0]!.data).records).toEqual([]);
    expect(seen.map((e) => e.type)).toEqual(['snapshot', 'insert']);
    await collections().delete('messages', record.id); // later tests assert that no room-a record reaches bob
  });

  it('an update that moves a record out of view arrives as a delete, and back in as an insert', async () => {
    const { record } = await collections().insert('messages', { text: 'moving', room: 'b', author: 'bob' });
    const all = await live();
    const roomB = await live({ where: { room: 'b' } });
    const wildcard = await events(['**']);
    await waitUntil(() => all.state.snapshots === 1 && roomB.state.snapshots === 1, 15_000, 'the snapshots');
    await waitUntil(() => wildcard.ids.length > 0, 15_000, 'the stream to start');
    expect(all.state.records.has(record.id)).toBe(true);

    // Out of the read rule (room a): a delete with the last readable state, not the new data.
    await collections().patch('messages', record.id, { room: 'a', text: `${SECRET} moved` });
    // Out of where only (room c is readable to bob).
    const { record: other } = await collections().insert('messages', { text: 'other', room: 'b', author: 'bob' });
    await collections().patch('messages', other.id, { room: 'c' });
    // Back into view.
    await collections().patch('messages', record.id, { room: 'b', text: 'back' });
    const end = await marker();

    for (const [name, stream] of [
      ['live', all],
      ['live where.room=b', roomB],
    ] as const) {
      const seen = await until(() => stream.events, end.text);
      expectNoSecret(seen);
      const moves = seen.slice(1).map((e) => `${e.type}:${JSON.parse(e.data).id === record.id ? 'r' : 'o'}`);
      expect(moves, name).toEqual(
        name === 'live'
          ? ['delete:r', 'insert:o', 'update:o', 'insert:r', 'insert:o']
          : ['delete:r', 'insert:o', 'delete:o', 'insert:r', 'insert:o'],
      );
      const out = JSON.parse(seen[1]!.data);
      expect(out).toMatchObject({ op: 'delete', id: record.id, record: { data: { room: 'b', text: 'moving' } } });
      expect(out.previous).toBeUndefined();
      const back = JSON.parse(seen[4]!.data);
      expect(back).toMatchObject({ op: 'insert', record: { data: { room: 'b', text: 'back' } } });
      expect(back.previous).toBeUndefined();
      // The client state a stream builds from its events alone matches what bob may list.
      expect(stream.state.records.has(record.id)).toBe(true);
    }
    expect(roomB.state.records.has(other.id)).toBe(false);
    expect(all.state.records.get(other.id)?.data).toMatchObject({ room: 'c' });

    const seen = await until(() => wildcard.events, end.text);
    expectNoSecret(seen);
    expect(seen.map((e) => `${e.type}:${JSON.parse(e.data).id === record.id ? 'r' : 'o'}`)).toEqual([
      'delete:r',
      'insert:o',
      'update:o',
      'insert:r',
      'insert:o',
    ]);
    // The rewritten events keep the ids of the changes they stand for (resume and de-duplication).
    const stored = await server.hub.log.readAfter(0, 100_000);
    const updatesOfR = stored
      .filter((e) => e.type === 'update' && JSON.parse(e.data).id === record.id)
      .map((e) => e.id);
    expect([seen[0]!.lastEventId, seen[3]!.lastEventId]).toEqual(updatesOfR);
  });
});

function expectNoSecretExcept(seen: ParsedEvent[], allowedId: string) {
  for (const event of seen) {
    expect(event.data).not.toContain(SECRET);
    if (event.type !== 'snapshot') expect(JSON.parse(event.data).id).toBe(allowedId);
  }
}
