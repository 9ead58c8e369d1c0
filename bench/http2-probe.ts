/**
 * HTTP/2 fan-out against HTTP/1.1 in one run: S streams on one topic, over S
 * HTTP/1.1 connections to a plain hub, then over C h2c sessions (S/C streams
 * each) to a `--h2c` hub; P publishers publish N events in-process, yielding
 * to I/O after each (the same for both: this measures fan-out, not the publish
 * path), then an end marker; reports deliveries per second until every stream
 * has the marker, and any loss (a stream dropped as a slow consumer).
 *
 *   npx tsx bench/http2-probe.ts --streams 2000 --sessions 20 --events 2000
 */
import { request } from 'node:http';
import { connect } from 'node:http2';
import { parseArgs } from 'node:util';
import { type RunningServer, serve } from '../src/server.js';

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '2000' },
    sessions: { type: 'string', default: '20' },
    events: { type: 'string', default: '2000' },
    publishers: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '2' },
  },
});
const STREAMS = Number(values.streams);
const SESSIONS = Number(values.sessions);
const EVENTS = Number(values.events);
const PUBLISHERS = Number(values.publishers);
const ROUNDS = Number(values.rounds);
const END = Buffer.from('data: end');
const DATA = Buffer.from('data: ');

interface Counter {
  delivered: number;
  ended: Promise<void>;
  close(): void;
}

/** Counts `data:` lines of one stream until the end marker. */
function counting(
  onChunk: (listener: (chunk: Buffer) => void) => void,
  onClose: (listener: () => void) => void,
): Pick<Counter, 'ended'> & { count(): number } {
  let delivered = 0;
  let finish: () => void;
  const ended = new Promise<void>((resolve) => {
    finish = resolve;
  });
  // A stream the hub dropped as a slow consumer ends here too; its missing events count as lost.
  onClose(() => finish());
  onChunk((chunk) => {
    for (let i = chunk.indexOf(DATA); i !== -1; i = chunk.indexOf(DATA, i + 1)) delivered++;
    if (chunk.includes(END)) finish();
  });
  return { ended, count: () => delivered };
}

function http1Stream(hub: RunningServer): Promise<Counter> {
  return new Promise((resolve, reject) => {
    const req = request(`${hub.url}/events?topic=bench`, { agent: false }, (res) => {
      const c = counting(
        (listener) => res.on('data', listener),
        (listener) => res.once('close', listener),
      );
      resolve({
        get delivered() {
          return c.count();
        },
        ended: c.ended,
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function http2Streams(hub: RunningServer): Promise<Counter[]> {
  // Windows as large as Chromium's (6 MiB per stream, 15 MiB per connection): node's 64 KiB
  // defaults would make the client, not the hub, the limit.
  const sessions = Array.from({ length: SESSIONS }, () => {
    const session = connect(hub.url, { settings: { initialWindowSize: 6 * 1024 * 1024 } });
    session.once('connect', () => session.setLocalWindowSize(15 * 1024 * 1024));
    return session;
  });
  const streams = Array.from({ length: STREAMS }, (_, i) => {
    const session = sessions[i % SESSIONS] as ReturnType<typeof connect>;
    const stream = session.request({ ':path': '/events?topic=bench' });
    stream.end();
    const c = counting(
      (listener) => stream.on('data', listener),
      (listener) => stream.once('close', listener),
    );
    return new Promise<Counter>((resolve, reject) => {
      stream.once('error', reject);
      stream.once('response', () =>
        resolve({
          get delivered() {
            return c.count();
          },
          ended: c.ended,
          close: () => {
            stream.close();
            const s = stream.session;
            if (s && !s.closed) s.close();
          },
        }),
      );
    });
  });
  return Promise.all(streams);
}

async function run(kind: 'HTTP/1.1' | 'h2c'): Promise<void> {
  const hub = await serve({
    port: 0,
    host: '127.0.0.1',
    ephemeral: true,
    logLevel: 'silent',
    canaryIntervalMs: 0,
    h2c: kind === 'h2c',
    http2MaxStreams: Math.ceil(STREAMS / SESSIONS) + 10,
  });
  // Published in-process for both: the figure is the fan-out's, not the publish path's.
  const post = (data: string) => hub.hub.publish({ topic: 'bench', data });
  const counters =
    kind === 'h2c'
      ? await http2Streams(hub)
      : await Promise.all(Array.from({ length: STREAMS }, () => http1Stream(hub)));
  const started = performance.now();
  let published = 0;
  await Promise.all(
    Array.from({ length: PUBLISHERS }, async () => {
      while (published < EVENTS) {
        await post('x'.repeat(64));
        published++;
        // In-process publishing settles in microtasks: yield so the sockets get written at all.
        await new Promise(setImmediate);
      }
    }),
  );
  await post('end');
  await Promise.all(counters.map((c) => c.ended));
  const seconds = (performance.now() - started) / 1000;
  const delivered = counters.reduce((n, c) => n + c.delivered, 0);
  const lost = published * STREAMS + STREAMS - delivered;
  console.log(
    `${kind.padEnd(8)} ${STREAMS} streams over ${kind === 'h2c' ? `${SESSIONS} sessions` : `${STREAMS} connections`}: ` +
      `${published} events, ${Math.round(delivered / seconds)} deliveries/s, lost ${lost}, ${seconds.toFixed(1)} s`,
  );
  for (const c of counters) c.close();
  await hub.close();
}

for (let round = 0; round < ROUNDS; round++) {
  await run('HTTP/1.1');
  await run('h2c');
}
