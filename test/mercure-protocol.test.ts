/**
 * The Mercure protocol end to end over real HTTP: the examples of the Mercure
 * specification (public and private updates, every selector kind, several
 * topics per update and per subscription, publisher ids, resume with an id and
 * with `earliest`, anonymous on and off, expired and forged tokens, the cookie
 * and the header), and how Mercure and the native API share one log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedEvent } from '../src/protocol/parser.js';
import { startHub } from './support/hub-server.js';
import { MERCURE_PATH, mercurePublish, mercureToken, postForm } from './support/mercure.js';
import { publish as nativePublish, openStream, type RecordedStream } from './support/sse-stream.js';
import { hsToken, signToken, TEST_SECRET, tamperedToken } from './support/tokens.js';

type Hub = Awaited<ReturnType<typeof startHub>>;

const BOOK = (n: number) => `https://example.com/books/${n}`;
const USER = (n: number) => `https://example.com/users/${n}`;

let hub: Hub;
let publisher: string;

beforeAll(async () => {
  hub = await startHub({ jwtSecret: TEST_SECRET, publicTopics: ['public/**'], publishRate: 0 });
  publisher = await mercureToken({ publish: ['*'] });
});
afterAll(async () => {
  await hub?.stop();
});

function subscribe(
  selectors: string[],
  options: { token?: string; cookie?: string; lastEventId?: string; query?: Record<string, string> } = {},
  base = hub.url,
): Promise<RecordedStream> {
  return openStream(base, selectors, {
    path: MERCURE_PATH,
    ...(options.lastEventId !== undefined && { lastEventId: options.lastEventId }),
    ...(options.query && { query: options.query }),
    headers: {
      ...(options.token && { authorization: `Bearer ${options.token}` }),
      ...(options.cookie && { cookie: `mercureAuthorization=${options.cookie}` }),
    },
  });
}

/** Publishes a public end marker on a unique topic every test stream also follows, and waits for it. */
let markers = 0;
async function endWith(streams: RecordedStream[], base = hub.url, token = publisher): Promise<string> {
  const data = `end-${++markers}`;
  await mercurePublish(base, token, { topics: ['urn:end'], data });
  await Promise.all(streams.map((s) => s.waitFor((events) => events.some((e) => e.data === data))));
  return data;
}

const datas = (events: ParsedEvent[]) =>
  events.filter((e) => !e.data.startsWith('end-') && e.type === 'message').map((e) => e.data);

describe('discovery and publishing', () => {
  it('advertises the hub with a Link header on its own responses', async () => {
    const res = await fetch(new URL('/healthz', hub.url));
    expect(res.headers.get('link')).toBe('</.well-known/mercure>; rel="mercure"');
  });

  it('answers a publish with 200 text/plain and the update id; refuses without a token or publish rights', async () => {
    const form: [string, string][] = [
      ['topic', BOOK(1)],
      ['data', '{"title":"Dune"}'],
    ];
    const ok = await postForm(hub.url, form, { authorization: `Bearer ${publisher}` });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/plain/);
    expect(ok.text).toMatch(/^[0-9a-z]+-\d+$/);

    const anonymous = await postForm(hub.url, form);
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.text).error.code).toBe('TOKEN_MISSING');

    const subscriberOnly = await mercureToken({ subscribe: ['*'] });
    const denied = await postForm(hub.url, form, { authorization: `Bearer ${subscriberOnly}` });
    expect(denied.status).toBe(403);

    // Publish selectors must match every topic of the update, templates included.
    const booksOnly = await mercureToken({ publish: ['https://example.com/books/{id}'] });
    expect((await postForm(hub.url, form, { authorization: `Bearer ${booksOnly}` })).status).toBe(200);
    const mixed: [string, string][] = [...form, ['topic', USER(1)]];
    expect((await postForm(hub.url, mixed, { authorization: `Bearer ${booksOnly}` })).status).toBe(403);
  });

  it('refuses JSON bodies, a duplicate publisher id, and native publishes under the reserved mercure/ root', async () => {
    const json = await postForm(hub.url, '{"topic":"x","data":"y"}', {
      authorization: `Bearer ${publisher}`,
      'content-type': 'application/json',
    });
    expect(json.status).toBe(415);

    const id = `urn:uuid:dup-${Date.now()}`;
    expect(await mercurePublish(hub.url, publisher, { topics: [BOOK(2)], data: 'a', id })).toBe(id);
    const again = await postForm(
      hub.url,
      [
        ['topic', BOOK(2)],
        ['data', 'b'],
        ['id', id],
      ],
      { authorization: `Bearer ${publisher}` },
    );
    expect(again.status).toBe(409);
    expect(JSON.parse(again.text).error.code).toBe('DUPLICATE_EVENT_ID');

    const admin = await hsToken({ rights: { publish: ['**'] } });
    const forged = await nativePublish(
      hub.url,
      { topic: 'mercure/aHR0cHM6Ly9leGFtcGxlLmNvbS9ib29rcy8x', data: 'forged' },
      { headers: { authorization: `Bearer ${admin}` } },
    );
    expect(forged.status).toBe(400);
    expect(forged.body.error?.code).toBe('INVALID_TOPIC');
  });
});

describe('browsers on other origins', () => {
  it('grants CORS with credentials to configured subscriber origins, and checks the origin of cookie-authenticated publishes', async () => {
    const cors = await startHub({ jwtSecret: TEST_SECRET, corsOrigins: ['https://app.example'], publishRate: 0 });
    try {
      const token = await mercureToken({ subscribe: ['*'], publish: ['*'] });
      const preflight = await fetch(new URL(`${MERCURE_PATH}?topic=x`, cors.url), {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-headers': 'last-event-id' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Last-Event-ID/i);
      const stream = await openStream(cors.url, ['urn:x'], {
        path: MERCURE_PATH,
        headers: { origin: 'https://app.example', cookie: `mercureAuthorization=${token}` },
      });
      expect(stream.status).toBe(200);
      expect(stream.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(stream.headers.get('access-control-allow-credentials')).toBe('true');
      expect(stream.headers.get('access-control-expose-headers')).toMatch(/Last-Event-ID/i);
      stream.close();

      const form: [string, string][] = [
        ['topic', 'urn:x'],
        ['data', 'by cookie'],
      ];
      const cookie = `mercureAuthorization=${token}`;
      const foreign = await postForm(cors.url, form, { cookie, origin: 'https://evil.example' });
      expect(foreign.status).toBe(403);
      expect(JSON.parse(foreign.text).error.code).toBe('ORIGIN_NOT_ALLOWED');
      expect((await postForm(cors.url, form, { cookie, origin: 'https://app.example' })).status).toBe(200);
      // A Bearer token carries no ambient authority: no origin needed.
      expect((await postForm(cors.url, form, { authorization: `Bearer ${token}` })).status).toBe(200);
    } finally {
      await cors.stop();
    }
  });
});

describe('subscribing', () => {
  it('delivers by exact topic, `*` and URI templates; several selectors per subscription and topics per update', async () => {
    const token = await mercureToken({ subscribe: [] });
    const exact = await subscribe([BOOK(10), 'urn:end'], { token });
    const all = await subscribe(['*'], { token });
    const template = await subscribe(['https://example.com/books/{id}', 'urn:end'], { token });
    const reserved = await subscribe(['https://example.com/{+path}', 'urn:end'], { token });
    const two = await subscribe([BOOK(11), USER(11), 'urn:end'], { token });
    for (const s of [exact, all, template, reserved, two]) expect(s.status).toBe(200);

    await mercurePublish(hub.url, publisher, { topics: [BOOK(10)], data: 'book 10' });
    await mercurePublish(hub.url, publisher, { topics: [`${BOOK(11)}/reviews/1`], data: 'review' });
    // One update, several topics: a subscription matching two of them still receives it once.
    await mercurePublish(hub.url, publisher, { topics: [BOOK(11), USER(11), 'urn:other'], data: 'book+user 11' });
    await mercurePublish(hub.url, publisher, { topics: [USER(12)], data: 'user 12' });
    await endWith([exact, all, template, reserved, two]);

    expect(datas(exact.events)).toEqual(['book 10']);
    expect(datas(all.events)).toEqual(['book 10', 'review', 'book+user 11', 'user 12']);
    expect(datas(template.events)).toEqual(['book 10', 'book+user 11']); // {id} stops at "/"
    expect(datas(reserved.events)).toEqual(['book 10', 'review', 'book+user 11', 'user 12']);
    expect(datas(two.events)).toEqual(['book+user 11']);
    for (const s of [exact, all, template, reserved, two]) s.close();
  });

  it('gives private updates only to tokens whose mercure.subscribe selectors match; header and cookie alike', async () => {
    const alice = await mercureToken({ subscribe: [USER(1), 'https://example.com/books/{id}'] });
    const bob = await mercureToken({ subscribe: [USER(2)] });
    const byHeader = await subscribe(['https://example.com/{+any}', 'urn:end'], { token: alice });
    const byCookie = await subscribe(['https://example.com/{+any}', 'urn:end'], { cookie: alice });
    const other = await subscribe(['https://example.com/{+any}', 'urn:end'], { token: bob });

    await mercurePublish(hub.url, publisher, { topics: [USER(1)], data: 'to alice', private: true });
    await mercurePublish(hub.url, publisher, { topics: [USER(2)], data: 'to bob', private: true });
    await mercurePublish(hub.url, publisher, { topics: [BOOK(20)], data: 'private book', private: true });
    await mercurePublish(hub.url, publisher, { topics: [BOOK(21)], data: 'public book' });
    await endWith([byHeader, byCookie, other]);

    expect(datas(byHeader.events)).toEqual(['to alice', 'private book', 'public book']);
    expect(datas(byCookie.events)).toEqual(['to alice', 'private book', 'public book']);
    expect(datas(other.events)).toEqual(['to bob', 'public book']);
    for (const s of [byHeader, byCookie, other]) s.close();
  });

  it('refuses anonymous subscribers unless --mercure-anonymous, and expired or forged tokens always', async () => {
    const anonymous = await subscribe(['*']);
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.errorBody).error.code).toBe('TOKEN_MISSING');

    const expired = await mercureToken({ subscribe: ['*'] }, { expiresIn: -60 });
    const late = await subscribe(['*'], { token: expired });
    expect(late.status).toBe(401);
    expect(JSON.parse(late.errorBody).error.code).toBe('TOKEN_EXPIRED');

    const weak = await mercureToken({ subscribe: [] });
    const forged = tamperedToken(weak, {
      sub: 'alice',
      exp: Math.floor(Date.now() / 1000) + 60,
      mercure: { subscribe: ['*'] },
    });
    const byForgedCookie = await subscribe(['*'], { cookie: forged });
    expect(byForgedCookie.status).toBe(401);
    expect(JSON.parse(byForgedCookie.errorBody).error.code).toBe('TOKEN_SIGNATURE_INVALID');

    const wrongKey = await mercureToken({ subscribe: ['*'] });
    const other = await startHub({ jwtSecret: `${TEST_SECRET}-other`, mercureAnonymous: true });
    try {
      expect((await subscribe(['*'], { token: wrongKey }, other.url)).status).toBe(401);
      const open = await subscribe(['*', 'urn:end'], {}, other.url);
      expect(open.status).toBe(200);
      const otherPublisher = await signToken('HS256', `${TEST_SECRET}-other`, {
        claims: { mercure: { publish: ['*'] } },
      });
      await mercurePublish(other.url, otherPublisher, { topics: [USER(3)], data: 'secret', private: true });
      await mercurePublish(other.url, otherPublisher, { topics: [BOOK(3)], data: 'for everyone' });
      await endWith([open], other.url, otherPublisher);
      expect(datas(open.events)).toEqual(['for everyone']);
      open.close();
    } finally {
      await other.stop();
    }
  });
});

describe('ids and history', () => {
  it('frames updates with the publisher id, resumes after it (header or lastEventID), and replays all with earliest', async () => {
    const run = Date.now().toString(36);
    const token = await mercureToken({ subscribe: [USER(40)] });
    const topic = `https://example.com/history/${run}`;
    await mercurePublish(hub.url, publisher, { topics: [topic], data: 'one', id: `urn:${run}:1` });
    const generated = await mercurePublish(hub.url, publisher, { topics: [topic], data: 'two' });
    await mercurePublish(hub.url, publisher, {
      topics: [topic, USER(40)],
      data: 'three (private)',
      id: `urn:${run}:3`,
      private: true,
    });
    await mercurePublish(hub.url, publisher, {
      topics: [topic],
      data: 'four',
      id: `urn:${run}:4`,
      retry: 2500,
      type: 'book',
    });

    const resumed = await subscribe([topic, 'urn:end'], { token, lastEventId: `urn:${run}:1` });
    expect(resumed.headers.get('last-event-id')).toBe(`urn:${run}:1`);
    const byQuery = await subscribe([topic, 'urn:end'], {
      query: { lastEventID: `urn:${run}:1` },
      token: await mercureToken({}),
    });
    await endWith([resumed, byQuery]);
    const shown = resumed.events.filter((e) => !e.data.startsWith('end-') && e.type !== 'session');
    expect(shown.map((e) => [e.type, e.data, e.lastEventId])).toEqual([
      ['message', 'two', generated],
      ['message', 'three (private)', `urn:${run}:3`],
      ['book', 'four', `urn:${run}:4`],
    ]);
    expect(resumed.retries).toContain(2500);
    // The private update is filtered on the replay path too.
    expect(byQuery.events.filter((e) => !e.data.startsWith('end-') && e.type !== 'session').map((e) => e.data)).toEqual(
      ['two', 'four'],
    );

    const earliest = await subscribe([topic, 'urn:end'], { token, lastEventId: 'earliest' });
    await endWith([earliest]);
    expect(datas(earliest.events).filter((d) => d !== 'four')).toEqual(['one', 'two', 'three (private)']);
    for (const s of [resumed, byQuery, earliest]) s.close();
  });

  it('answers an unknown id with a reset event and the head in the Last-Event-ID header', async () => {
    const token = await mercureToken({});
    const head = await mercurePublish(hub.url, publisher, { topics: ['urn:head'], data: 'head' });
    const stream = await subscribe(['urn:end'], { token, lastEventId: 'urn:never-published' });
    expect(stream.headers.get('last-event-id')).toBe(head);
    await stream.waitFor((events) => events.some((e) => e.type === 'reset'));
    const reset = stream.events.find((e) => e.type === 'reset') as ParsedEvent;
    expect(JSON.parse(reset.data)).toMatchObject({
      reason: 'unknown-id',
      lastEventId: 'urn:never-published',
      id: head,
    });
    stream.close();
  });
});

describe('one log for Mercure and the native API', () => {
  it('Mercure updates on hub-valid topics reach native subscribers; native events reach Mercure subscribers the native rights allow', async () => {
    const reader = await hsToken({
      rights: { subscribe: ['shelf/**', 'end/**'] },
      claims: { mercure: { subscribe: [] } },
    });
    const native = await openStream(hub.url, ['shelf/*', 'end/marker'], {
      headers: { authorization: `Bearer ${reader}` },
    });
    const mercure = await subscribe(['shelf/{id}', 'secret/{id}', 'urn:end'], { token: reader });
    const nativeWriter = await hsToken({ rights: { publish: ['**'] } });

    await mercurePublish(hub.url, publisher, { topics: ['shelf/1'], data: 'from mercure' });
    await mercurePublish(hub.url, publisher, { topics: ['shelf/2'], data: 'private from mercure', private: true });
    await nativePublish(
      hub.url,
      { topic: 'shelf/3', data: 'from native' },
      { headers: { authorization: `Bearer ${nativeWriter}` } },
    );
    // Not readable for this token natively: Mercure does not widen native rights.
    await nativePublish(
      hub.url,
      { topic: 'secret/1', data: 'native secret' },
      { headers: { authorization: `Bearer ${nativeWriter}` } },
    );
    await nativePublish(
      hub.url,
      { topic: 'end/marker', data: 'end-native' },
      { headers: { authorization: `Bearer ${nativeWriter}` } },
    );
    await native.waitFor((events) => events.some((e) => e.data === 'end-native'));
    await endWith([mercure]);

    expect(native.events.filter((e) => e.type === 'message' && e.data !== 'end-native').map((e) => e.data)).toEqual([
      'from mercure',
      'from native',
    ]);
    expect(datas(mercure.events)).toEqual(['from mercure', 'from native']);
    native.close();
    mercure.close();
  });
});
