/**
 * Peer server: better-sse on node:http, one channel per topic, one broadcast per
 * publish. Run by the harness as `node --import tsx bench/peers/better-sse-server.ts <port>`.
 */
// @ts-nocheck

import { createServer, type IncomingMessage } from 'node:http';
import { type Channel, createChannel, createSession } from 'better-sse';

const port = Number(process.argv[2] ?? 8081);
const channels = new Map<string, Channel>();

function channel(topic: string): Channel {
  let found = channels.get(topic);
  if (!found) {
    found = createChannel();
    channels.set(topic, found);
  }
  return found;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

let nextId = 0;

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://peer.local');
  try {
    if (req.method === 'GET' && url.pathname === '/events') {
      const session = await createSession(req, res, { keepAlive: null, serializer: String });
      channel(url.searchParams.get('topic') ?? '').register(session);
    } else if (req.method === 'POST' && url.pathname === '/publish') {
      const { topic, data } = JSON.parse(await readBody(req)) as { topic: string; data: string };
      const id = String(++nextId);
      channels.get(topic)?.broadcast(data, 'message', { eventId: id });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ id }));
    } else if (url.pathname === '/healthz') {
      res.writeHead(200).end('ok\n');
    } else {
      res.writeHead(404).end();
    }
  } catch (err) {
    res.writeHead(500).end(String(err));
  }
});
server.keepAliveTimeout = 120_000;
server.listen(port, '0.0.0.0');
process.on('SIGTERM', () => process.exit(0));
