// @ts-nocheck
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES } from './fixtures/collections-rules.js';
import { call, openLive, type Reply } from './fixtures/collections-support.js';
import { startHub } from './support/hub-server.js';
import { bearer, hsToken, TEST_SECRET } from './support/tokens.js';
import { waitUntil } from './support/wait.js';

let server: Awaited<ReturnType<typeof startHub>>;
let url: string;
const tokens: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  server = await startHub({
    jwtSecret: TEST_SECRET,
    publicTopics: ['collections/notices'],
    collections: {
      messages: MESSAGES,
      notices: { rules: { read: 'true' } },
      secrets: {}, // no rules: admin only
    },
  });
  url = server.url;
  const rights = { subscribe: ['collections/**'], publish: [] };
  tokens.ada = bearer(await hsToken({ sub: 'ada', claims: { rooms: ['a'], ssehub: rights } }));
  tokens.bob = bearer(await hsToken({ sub: 'bob', claims: { rooms: ['b'], ssehub: rights } }));
  tokens.admin = bearer(
    await hsToken({ sub: 'root', claims: { rooms: [], ssehub: { subscribe: ['**'], admin: true } } }),
  );
  tokens.anonymous = {};
});

afterAll(async () => {
  await server.stop();
});

const as = (who: string, method: string, path: string, body?: unknown): Promise<Reply> =>
  call(url, method, path, body, { headers: tokens[who] });

/** The log head and every stored record: a refused request must change neither. */
async function footprint() {
  const position = await server.hub.log.position();
  const names = await server.hub.collections!.names();
  const records = [];
  for (const { name } of names) records.push(...(await server.hub.collections!.list(name, { limit: 1000 })).records);
  return { head: position.head, records };
}

function expectRefused(reply: Reply, status: 401 | 403) {
  expect(reply.status).toBe(status);
  expect(reply.body.error.code).toBe(status === 401 ? 'TOKEN_MISSING' : 'FORBIDDEN');
}

describe('collection rules over HTTP', () => {
  it('creates only what the create rule allows, and writes nothing otherwise', async () => {
    const ok = await as('ada', 'POST', '/collections/messages/records', { text: 'hi', room: 'a', author: 'ada' });
    expect(ok.status).toBe(201);
    const before = await footprint();
    expectRefused(
      await as('ada', 'POST', '/collections/messages/records', { text: 'x', room: 'a', author: 'bob' }),
      403,
    );
    expectRefused(
      await as('ada', 'POST', '/collections/messages/records', { text: 'x', room: 'b', author: 'ada' }),
      403,
    );
    expectRefused(
      await as('anonymous', 'POST', '/collections/messages/records', { text: 'x', room: 'a', author: 'ada' }),
      401,
    );
    // The rule is checked before the schema: a refused writer learns nothing from validation.
    expectRefused(
      await as('bob', 'POST', '/collections/messages/records', { text: '', room: 'a', author: 'ada' }),
      403,
    );
    expect(await footprint()).toEqual(before);
    // Allowed but invalid: the schema (ajv, pattern) still applies.
    const invalid = await as('ada', 'POST', '/collections/messages/records', { text: '', room: 'a', author: 'ada' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'text' } });
    expect(await footprint()).toEqual(before);
  });

  it('updates and deletes only what the rules allow, seeing the stored record and the merged data', async () => {
    const { body: mine } = await as('ada', 'POST', '/collections/messages/records', {
      text: 'm',
      room: 'a',
      author: 'ada',
    });
    const before = await footprint();
    expectRefused(await as('bob', 'PATCH', `/collections/messages/records/${mine.id}`, { text: 'hacked' }), 403);
    expectRefused(
      await as('bob', 'PUT', `/collections/messages/records/${mine.id}`, { text: 'hacked', room: 'b', author: 'bob' }),
      403,
    );
    expectRefused(await as('anonymous', 'PATCH', `/collections/messages/records/${mine.id}`, { text: 'hacked' }), 401);
    // `data` is the record after the merge: handing the record to someone else is refused.
    expectRefused(await as('ada', 'PATCH', `/collections/messages/records/${mine.id}`, { author: 'bob' }), 403);
    expectRefused(await as('bob', 'DELETE', `/collections/messages/records/${mine.id}`), 403);
    expect(await footprint()).toEqual(before);

    const patched = await as('ada', 'PATCH', `/collections/messages/records/${mine.id}`, { text: 'edited' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ version: 2, data: { text: 'edited', author: 'ada' } });
    expect((await as('ada', 'DELETE', `/collections/messages/records/${mine.id}`)).status).toBe(200);
    // Admin tokens bypass the rules.
    const { body: other } = await as('ada', 'POST', '/collections/messages/records', {
      text: 'o',
      room: 'a',
      author: 'ada',
    });
    expect(
      (await as('admin', 'PATCH', `/collections/messages/records/${other.id}`, { text: 'moderated' })).status,
    ).toBe(200);
    expect((await as('admin', 'DELETE', `/collections/messages/records/${other.id}`)).status).toBe(200);
  });

  it('reads through the read rule: GET of a denied record is refused, lists leave denied records out', async () => {
    const ids: Record<string, string[]> = { a: [], b: [] };
    for (let i = 0; i < 5; i++) {
      for (const [who, room] of [
        ['ada', 'a'],
        ['bob', 'b'],
      ] as const) {
        const reply = await as(who, 'POST', '/collections/messages/records', {
          text: `${room}${i}`,
          room,
          author: who,
        });
        ids[room]!.push(reply.body.id);
      }
    }
    expect((await as('bob', 'GET', `/collections/messages/records/${ids.b![0]}`)).status).toBe(200);
    expectRefused(await as('bob', 'GET', `/collections/messages/records/${ids.a![0]}`), 403);
    expectRefused(await as('anonymous', 'GET', `/collections/messages/records/${ids.a![0]}`), 401);

    // Bob pages through with limit 2: every page holds only room b, and following cursors finds all of his.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const reply: Reply = await as(
        'bob',
        'GET',
        `/collections/messages/records?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(reply.status).toBe(200);
      for (const record of reply.body.records) {
        expect(record.data.room).toBe('b');
        seen.push(record.id);
      }
      cursor = reply.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids.b);
    const all = await as('admin', 'GET', '/collections/messages/records?limit=1000');
    expect(all.body.records.length).toBeGreaterThan(seen.length);
    // `where` and the rule together: bob asking for room a gets nothing.
    expect((await as('bob', 'GET', '/collections/messages/records?where.room=a')).body.records).toEqual([]);
  });

  it('keeps a collection without rules to admins, and schema changes to admins', async () => {
    const before = await footprint();
    expectRefused(await as('ada', 'POST', '/collections/secrets/records', { k: 'v' }), 403);
    expectRefused(await as('anonymous', 'POST', '/collections/secrets/records', { k: 'v' }), 401);
    expectRefused(await as('ada', 'GET', '/collections/secrets/records'), 403);
    expectRefused(await as('ada', 'GET', '/collections/secrets/schema'), 403);
    expectRefused(await as('ada', 'PUT', '/collections/messages/schema', { type: 'object' }), 403);
    expectRefused(await as('anonymous', 'DELETE', '/collections/messages/schema'), 401);
    expectRefused(await as('ada', 'GET', '/collections'), 403);
    const live = await openLive(url, 'secrets', { headers: tokens.ada });
    expect(live.status).toBe(403);
    expect(await footprint()).toEqual(before);
    // Readers may read the schema; the admin may do everything.
    expect((await as('bob', 'GET', '/collections/messages/schema')).body.schema).toEqual(MESSAGES.schema);
    const secret = await as('admin', 'POST', '/collections/secrets/records', { k: 'v' });
    expect(secret.status).toBe(201);
    expect((await as('admin', 'GET', `/collections/secrets/records/${secret.body.id}`)).body.data).toEqual({ k: 'v' });
    expect((await as('admin', 'GET', '/collections')).status).toBe(200);
    expect((await as('admin', 'PUT', '/collections/secrets/schema', { type: 'object' })).status).toBe(200);
  });

  it('lets anonymous clients read a collection whose read rule allows it, and nothing else', async () => {
    await as('admin', 'POST', '/collections/notices/records', { text: 'welcome' });
    const list = await as('anonymous', 'GET', '/collections/notices/records');
    expect(list.status).toBe(200);
    expect(list.body.records.map((r: { data: unknown }) => r.data)).toEqual([{ text: 'welcome' }]);
    expectRefused(await as('anonymous', 'POST', '/collections/notices/records', { text: 'spam' }), 401);
    expectRefused(await as('ada', 'POST', '/collections/notices/records', { text: 'spam' }), 403);
    const live = await openLive(url, 'notices');
    expect(live.status).toBe(200);
    await waitUntil(() => live.state.snapshots === 1, 15_000, 'the snapshot');
    expect([...live.state.records.values()].map((r) => r.data)).toEqual([{ text: 'welcome' }]);
    live.close();
  });
});
