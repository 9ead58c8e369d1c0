/**
 * A probe of Mercure fan-out against the native API on the same hub: S streams
 * (native `/events?topic=books/*`, or Mercure `?topic=https://example.com/books/{id}`
 * spread over K distinct tokens, i.e. K view keys), one publisher posting N
 * updates; reports the time from the first publish until every stream has every update.
 *
 *   npx tsx bench/mercure-probe.ts --streams 500 --keys 10 --count 2000
 */
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { serve } from '../src/server.js';

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '500' },
    keys: { type: 'string', default: '10' },
    count: { type: 'string', default: '2000' },
  },
});
const STREAMS = Number(values.streams);
const KEYS = Number(values.keys);
const COUNT = Number(values.count);
const SECRET = 'mercure-probe-secret-0123456789-abcdefghij';

const token = (claims: Record<string, unknown>) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(SECRET));

const hub = await serve({
  port: 0,
  host: '127.0.0.1',
  ephemeral: true,
  logLevel: 'silent',
  jwtSecret: SECRET,
  publishRate: 0,
  maxStreamsPerClient: 100_000,
});
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/** Opens a stream and counts `data:` lines (one per update) until `COUNT`. */
function openCounter(path: string, auth: string): Promise<{ done: Promise<void>; close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, hub.url), { headers: { authorization: `Bearer ${auth}` } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
      let seen = 0;
      let finish: () => void;
      const done = new Promise<void>((r) => {
        finish = r;
      });
      res.on('data', (chunk: Buffer) => {
        for (let i = chunk.indexOf('data: u'); i !== -1; i = chunk.indexOf('data: u', i + 1)) seen++;
        if (seen >= COUNT) finish();
      });
      resolve({ done, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

function post(path: string, body: string, type: string, auth: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, hub.url),
      {
        method: 'POST',
        agent,
        headers: { 'content-type': type, 'content-length': Buffer.byteLength(body), authorization: `Bearer ${auth}` },
      },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`publish answered ${res.statusCode}`));
        res.resume();
        res.on('end', resolve);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function run(kind: 'native' | 'mercure'): Promise<number> {
  const tokens = await Promise.all(
    Array.from({ length: KEYS }, (_, k) =>
      token({
        sub: `reader-${k}`,
        ssehub: { subscribe: ['books/**'], publish: [] },
        mercure: { subscribe: [`https://example.com/users/${k}`] },
      }),
    ),
  );
  const publisher = await token({
    sub: 'pub',
    ssehub: { publish: ['**'], subscribe: [] },
    mercure: { publish: ['*'] },
  });
  const path =
    kind === 'native'
      ? '/events?topic=books/*'
      : `/.well-known/mercure?topic=${encodeURIComponent('https://example.com/books/{id}')}`;
  const streams = await Promise.all(
    Array.from({ length: STREAMS }, (_, i) => openCounter(path, tokens[i % KEYS] as string)),
  );
  const started = performance.now();
  for (let i = 0; i < COUNT; i++) {
    if (kind === 'native') {
      await post(
        '/publish',
        JSON.stringify({ topic: `books/${i % 50}`, data: `u${i}` }),
        'application/json',
        publisher,
      );
    } else {
      const body = new URLSearchParams({ topic: `https://example.com/books/${i % 50}`, data: `u${i}` }).toString();
      await post('/.well-known/mercure', body, 'application/x-www-form-urlencoded', publisher);
    }
  }
  await Promise.all(streams.map((s) => s.done));
  const ms = performance.now() - started;
  for (const s of streams) s.close();
  return ms;
}

for (const kind of ['native', 'mercure'] as const) {
  const ms = await run(kind);
  const deliveries = STREAMS * COUNT;
  console.log(
    `${kind.padEnd(7)} ${STREAMS} streams (${KEYS} tokens) × ${COUNT} updates: ${ms.toFixed(0)} ms, ${((deliveries / ms) * 1000).toFixed(0)} deliveries/s`,
  );
}
await hub.close();
agent.destroy();
