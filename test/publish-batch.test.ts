import { afterEach, describe, expect, it } from 'vitest';
import { sendRaw } from './support/http-request.js';
import { startHub } from './support/hub-server.js';
import { ndjsonPublisher } from './support/ndjson-publisher.js';
import { openStream } from './support/sse-stream.js';
import { bearer, hsToken, TEST_SECRET } from './support/tokens.js';

type Hub = Awaited<ReturnType<typeof startHub>>;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function hubWith(options: Parameters<typeof startHub>[0] = {}): Promise<Hub> {
  const hub = await startHub(options);
  cleanups.push(() => hub.stop());
  return hub;
}

const logged = async (hub: Hub) =>
  (await hub.hub.log.readAfter(0, 100_000)).map((e) => `${e.topics.join(',')}:${e.data}`);

function postBatch(hub: Hub, body: unknown, headers: Record<string, string> = {}) {
  return sendRaw(`${hub.url}/publish`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** An admin stream on `**`: what a refused publish must not reach. */
async function watchEverything(hub: Hub, headers: Record<string, string> = {}) {
  const stream = await openStream(hub.url, ['**'], { headers });
  cleanups.push(() => stream.close());
  return stream;
}

describe('POST /publish with a JSON array (a batch)', () => {
  it('appends every event in order, answers their ids in order, and subscribers get them in order', async () => {
    const hub = await hubWith();
    const stream = await watchEverything(hub);
    const events = Array.from({ length: 50 }, (_, i) => ({ topic: i % 2 ? 'odd' : ['even', 'all'], data: `e${i}` }));
    const res = await postBatch(hub, events);
    expect(res.status).toBe(200);
    const { ids } = JSON.parse(res.text) as { ids: string[] };
    expect(ids).toHaveLength(50);
    const log = await hub.hub.log.readAfter(0, 1000);
    expect(log.map((e) => e.id)).toEqual(ids);
    expect(log.map((e) => e.data)).toEqual(events.map((e) => e.data));
    expect(log[0]?.topics).toEqual(['even', 'all']);
    await stream.waitFor((seen) => seen.filter((e) => e.type === 'message').length === 50);
    expect(stream.events.filter((e) => e.type === 'message').map((e) => e.lastEventId)).toEqual(ids);
  });

  it('writes nothing when one event is invalid, and names it by index', async () => {
    const hub = await hubWith();
    const res = await postBatch(hub, [
      { topic: 'a', data: 'one' },
      { topic: 'a', data: 'two' },
      { topic: 'a', data: '' },
      { topic: 'a', data: 'four' },
    ]);
    expect([res.status, res.code]).toEqual([400, 'INVALID_DATA']);
    const { error } = JSON.parse(res.text) as { error: { message: string; details: { index: number } } };
    expect(error.details.index).toBe(2);
    expect(error.message).toMatch(/^Event 2 of the batch: .*nothing was published/);
    for (const bad of [[], [{ topic: 'a', data: 'x' }, 'text'], [{ topic: 'a/*', data: 'x' }]]) {
      expect((await postBatch(hub, bad)).status).toBe(400);
    }
    expect(await logged(hub)).toEqual([]);
  });

  it('refuses a batch over maxBatchEvents (413 BATCH_TOO_LARGE) or maxBatchBytes (413) and writes nothing', async () => {
    const hub = await hubWith({ maxBatchEvents: 3, maxBatchBytes: 4096 });
    const tooMany = await postBatch(
      hub,
      Array.from({ length: 4 }, (_, i) => ({ topic: 't', data: `${i}` })),
    );
    expect([tooMany.status, tooMany.code]).toEqual([413, 'BATCH_TOO_LARGE']);
    expect(tooMany.text).toMatch(/at most 3 events; got 4/);
    const tooBig = await postBatch(hub, [{ topic: 't', data: 'x'.repeat(5000) }]);
    expect([tooBig.status, tooBig.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(
      (
        await postBatch(
          hub,
          Array.from({ length: 3 }, () => ({ topic: 't', data: 'ok' })),
        )
      ).status,
    ).toBe(200);
    expect(await logged(hub)).toEqual(['t:ok', 't:ok', 't:ok']);
  });
});

describe('batch and streaming publish under access control', () => {
  const adminRights = { subscribe: ['**'], publish: ['**'], admin: true };

  it('a batch with one forbidden topic writes nothing and reaches no one', async () => {
    const hub = await hubWith({ jwtSecret: TEST_SECRET });
    const admin = bearer(await hsToken({ sub: 'admin', rights: adminRights }));
    const alice = bearer(await hsToken({ sub: 'alice', rights: { publish: ['chat/*'] } }));
    const stream = await watchEverything(hub, admin);
    const attack = [
      { topic: 'chat/a', data: 'fine' },
      { topic: ['chat/b', 'secret/x'], data: 'smuggled' },
      { topic: 'chat/c', data: 'fine too' },
    ];
    const res = await postBatch(hub, attack, alice);
    expect([res.status, res.code]).toEqual([403, 'FORBIDDEN']);
    expect(res.text).toContain('secret/x');
    // Topics owned by the hub and its features are refused the same way, even to an admin.
    for (const topic of ['_ssehub/canary/x', 'collections/notes']) {
      const owned = await postBatch(
        hub,
        [
          { topic: 'chat/a', data: 'fine' },
          { topic, data: 'forged' },
        ],
        admin,
      );
      expect(owned.status).toBeGreaterThanOrEqual(400);
    }
    const anonymous = await postBatch(hub, [{ topic: 'chat/a', data: 'x' }]);
    expect([anonymous.status, anonymous.code]).toEqual([401, 'TOKEN_MISSING']);
    expect(await logged(hub)).toEqual([]);
    // Counted to an end marker published last: nothing of the refused batches came before it.
    const end = await postBatch(hub, [{ topic: 'end', data: 'end' }], admin);
    expect(end.status).toBe(200);
    await stream.waitFor((seen) => seen.some((e) => e.data === 'end'));
    expect(stream.events.filter((e) => e.type === 'message').map((e) => e.data)).toEqual(['end']);
  });

  it('counts every event of a batch against the publish rate, all or nothing', async () => {
    const hub = await hubWith({ jwtSecret: TEST_SECRET, publishRate: 0.5, publishBurst: 3 });
    const alice = bearer(await hsToken({ sub: 'alice', rights: { publish: ['**'] } }));
    const batch = (n: number) => Array.from({ length: n }, (_, i) => ({ topic: 'r', data: `${n}.${i}` }));
    const over = await postBatch(hub, batch(4), alice);
    expect([over.status, over.code]).toEqual([429, 'RATE_LIMITED']);
    expect(over.text).toMatch(/smaller batches/);
    expect((await postBatch(hub, batch(2), alice)).status).toBe(200);
    const limited = await postBatch(hub, batch(2), alice); // one token left: the batch of 2 takes none
    expect([limited.status, limited.code]).toEqual([429, 'RATE_LIMITED']);
    expect((await postBatch(hub, batch(1), alice)).status).toBe(200);
    expect(await logged(hub)).toEqual(['r:2.0', 'r:2.1', 'r:1.0']);
  });

  it('a stream of lines: a forbidden line is answered with its error, the others are published', async () => {
    const hub = await hubWith({ jwtSecret: TEST_SECRET });
    const alice = bearer(await hsToken({ sub: 'alice', rights: { publish: ['chat/*'] } }));
    const publisher = ndjsonPublisher(hub.url, alice);
    await publisher.send(
      `${[
        { topic: 'chat/a', data: 'one' },
        { topic: 'secret/x', data: 'stolen' },
        { topic: 'chat/b', data: 'three' },
      ]
        .map((e) => JSON.stringify(e))
        .join('\n')}\n`,
    );
    publisher.end();
    await publisher.finished;
    expect(publisher.acks.map((a) => [a.line, a.error?.code ?? 'ok'])).toEqual([
      [1, 'ok'],
      [2, 'FORBIDDEN'],
      [3, 'ok'],
    ]);
    expect(await logged(hub)).toEqual(['chat/a:one', 'chat/b:three']);
  });

  it('refuses a streaming publish from an identity that may publish nothing, before reading it', async () => {
    const hub = await hubWith({ jwtSecret: TEST_SECRET });
    const reader = bearer(await hsToken({ sub: 'reader', rights: { subscribe: ['**'] } }));
    for (const headers of [{}, reader]) {
      const publisher = ndjsonPublisher(hub.url, headers);
      await publisher.send(`${JSON.stringify({ topic: 'a', data: 'x' })}\n`);
      publisher.end();
      const { status } = await publisher.response;
      expect(status).toBe(headers === reader ? 403 : 401);
    }
    expect(await logged(hub)).toEqual([]);
  });
});

describe('POST /publish with application/x-ndjson (a stream of events)', () => {
  it('acknowledges each line in order once durable; bad lines get their error and the stream goes on', async () => {
    const hub = await hubWith({ maxEventBytes: 1024 });
    const publisher = ndjsonPublisher(hub.url);
    expect((await publisher.response).status).toBe(200);
    await publisher.send(`${JSON.stringify({ topic: 'n', data: 'first' })}\n`);
    await publisher.waitForAcks(1);
    // The first answer came before the body ended: it was durable by then.
    const [first] = publisher.acks;
    expect((await hub.hub.log.readAfter(0, 10)).map((e) => e.id)).toEqual([first?.id]);
    await publisher.send(
      [
        '{"topic":"n","data":"second"}',
        '{not json',
        '',
        '{"topic":"n"}',
        `{"topic":"n","data":"${'x'.repeat(4000)}"}`, // data over maxEventBytes
        `{"topic":"n","data":"${'y'.repeat(40_000)}"}`, // over the line limit (2 × 1 KiB + 16 KiB): skipped to its end
        '[{"topic":"n","data":"array"}]',
        '{"topic":"n","data":"split ',
      ].join('\n'),
    );
    await publisher.send('across writes"}\n{"topic":"n","data":"last, no newline"}');
    publisher.end();
    await publisher.finished;
    expect(publisher.acks.map((a) => [a.line, a.error?.code ?? 'ok'])).toEqual([
      [1, 'ok'],
      [2, 'ok'],
      [3, 'INVALID_JSON'],
      [5, 'INVALID_DATA'],
      [6, 'PAYLOAD_TOO_LARGE'],
      [7, 'PAYLOAD_TOO_LARGE'],
      [8, 'INVALID_BODY'],
      [9, 'ok'],
      [10, 'ok'],
    ]);
    const log = await hub.hub.log.readAfter(0, 100);
    expect(log.map((e) => e.data)).toEqual(['first', 'second', 'split across writes', 'last, no newline']);
    expect(publisher.acks.filter((a) => a.id).map((a) => a.id)).toEqual(log.map((e) => e.id));
  });

  it('a publisher that hangs up mid-stream: what was answered is in the log, and the hub goes on', async () => {
    const hub = await hubWith();
    const publisher = ndjsonPublisher(hub.url);
    const line = (i: number) => `${JSON.stringify({ topic: 'gone', data: `${i}` })}\n`;
    await publisher.send(Array.from({ length: 100 }, (_, i) => line(i)).join(''));
    await publisher.waitForAcks(100);
    await publisher.send(`${line(100)}{"topic":"gone","da`);
    publisher.abort();
    await publisher.finished.then(
      () => undefined,
      () => undefined,
    );
    const after = await sendRaw(`${hub.url}/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topic: 'gone', data: 'after' }),
    });
    expect(after.status).toBe(200);
    const data = (await hub.hub.log.readAfter(0, 1000)).map((e) => e.data);
    expect(data.slice(0, 100)).toEqual(Array.from({ length: 100 }, (_, i) => `${i}`));
    expect(data.at(-1)).toBe('after');
    expect(data.length).toBeLessThanOrEqual(102); // line 100 may or may not have been read; the cut one never
  });

  it('takes thousands of lines in one request, every one answered in order', async () => {
    const hub = await hubWith();
    const publisher = ndjsonPublisher(hub.url);
    const lines = Array.from(
      { length: 20_000 },
      (_, i) => `${JSON.stringify({ topic: `t${i % 100}`, data: `${i}` })}\n`,
    );
    for (let i = 0; i < lines.length; i += 1000) await publisher.send(lines.slice(i, i + 1000).join(''));
    publisher.end();
    await publisher.finished;
    expect(publisher.acks).toHaveLength(20_000);
    expect(publisher.acks.every((a, i) => a.line === i + 1 && a.id !== undefined)).toBe(true);
    const log = await hub.hub.log.readAfter(0, 100_000);
    expect(log.map((e) => e.id)).toEqual(publisher.acks.map((a) => a.id));
    expect(log.map((e) => e.data)).toEqual(lines.map((_, i) => `${i}`));
  });
});
