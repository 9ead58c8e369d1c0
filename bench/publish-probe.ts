/**
 * A probe of the publish path alone: N keep-alive publishers against a running
 * hub as fast as it answers, with no subscribers. Every event counted was
 * acknowledged, so it was durable.
 *
 *   node dist/cli/main.js serve --port 18600 --data-dir /tmp/probe --log-level warn [--sync full] &
 *   npx tsx bench/publish-probe.ts --url http://127.0.0.1:18600 --count 20000 --concurrency 8
 *   npx tsx bench/publish-probe.ts --mode batch --batch 500 --count 500000 --concurrency 4
 *   npx tsx bench/publish-probe.ts --mode ndjson --batch 500 --count 500000 --concurrency 2
 *
 * Modes: `single` — one event per `POST /publish`; `batch` — a JSON array of
 * `--batch` events per request; `ndjson` — one streaming request per publisher,
 * lines written `--batch` at a time, the next write once the previous lines were
 * all acknowledged.
 */
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8080' },
    count: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '8' },
    mode: { type: 'string', default: 'single' },
    batch: { type: 'string', default: '100' },
  },
});
const url = new URL('/publish', values.url);
const total = Number(values.count);
const concurrency = Number(values.concurrency);
const batchSize = values.mode === 'single' ? 1 : Number(values.batch);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

const eventJson = (i: number) => JSON.stringify({ topic: `t${i % 1000}`, data: `probe ${i}` });

function post(body: string, contentType = 'application/json'): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          text += d;
        });
        res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`${res.statusCode} ${text}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let next = 0;
/** Takes the next `n` event numbers (fewer at the end); empty when done. */
const take = (n: number): number[] => {
  const from = next;
  next = Math.min(total, next + n);
  return Array.from({ length: next - from }, (_, k) => from + k);
};

async function singleLane(): Promise<void> {
  for (let [i] = take(1); i !== undefined; [i] = take(1)) await post(eventJson(i));
}

async function batchLane(): Promise<void> {
  for (let ids = take(batchSize); ids.length > 0; ids = take(batchSize)) {
    const answer = JSON.parse(await post(`[${ids.map(eventJson).join(',')}]`)) as { ids: string[] };
    if (answer.ids.length !== ids.length) throw new Error(`expected ${ids.length} ids, got ${answer.ids.length}`);
  }
}

/** One streaming request; writes `batch` lines, waits for their acknowledgements, repeats. */
function ndjsonLane(): Promise<void> {
  return new Promise((resolve, reject) => {
    let acked = 0;
    let sent = 0;
    let partial = '';
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/x-ndjson' } });
    const sendMore = () => {
      const ids = take(batchSize);
      if (ids.length === 0) return req.end();
      sent += ids.length;
      req.write(`${ids.map(eventJson).join('\n')}\n`);
    };
    req.on('response', (res) => {
      res.setEncoding('utf8');
      res.on('data', (text: string) => {
        const lines = (partial + text).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          if (!line.startsWith('{"id"')) return reject(new Error(`refused: ${line}`));
          acked++;
        }
        if (acked === sent) sendMore();
      });
      res.on('end', () => (acked === sent ? resolve() : reject(new Error(`${sent - acked} lines unanswered`))));
    });
    req.on('error', reject);
    sendMore();
  });
}

const lane = values.mode === 'batch' ? batchLane : values.mode === 'ndjson' ? ndjsonLane : singleLane;
const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, lane));
const seconds = (performance.now() - started) / 1000;
console.log(
  `${values.mode}${batchSize > 1 ? ` of ${batchSize}` : ''}, ${concurrency} publishers: ${total} events in ${seconds.toFixed(2)} s: ${Math.round(total / seconds)} events/s`,
);
agent.destroy();
