/**
 * A quick probe of the publish path alone: N keep-alive publishers POST /publish
 * against a running hub as fast as it answers, with no subscribers.
 *
 *   node dist/cli/main.js serve --port 18600 --data-dir /tmp/probe --log-level warn [--sync full] &
 *   npx tsx bench/publish-probe.ts --url http://127.0.0.1:18600 --count 20000 --concurrency 8
 */
// @ts-nocheck

import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8080' },
    count: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '8' },
  },
});
const url = new URL('/publish', values.url);
const total = Number(values.count);
const agent = new Agent({ keepAlive: true, maxSockets: Number(values.concurrency) });

function publishOne(i: number): Promise<void> {
  const body = JSON.stringify({ topic: `t${i % 1000}`, data: `probe ${i}` });
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
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

let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: Number(values.concurrency) }, async () => {
    while (next < total) await publishOne(next++);
  }),
);
const seconds = (performance.now() - started) / 1000;
console.log(`${total} publishes in ${seconds.toFixed(2)} s: ${Math.round(total / seconds)} publishes/s`);
agent.destroy();
