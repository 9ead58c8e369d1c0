/**
 * Peer server in the seed's shape: Express, an in-process EventEmitter standing
 * in for the MongoDB change stream, and one `res.write` per client per event.
 * (Kind to the seed: listeners are keyed by topic, so a client is not called
 * for other topics' events.) Run as `node --import tsx bench/peers/express-seed-server.ts <port>`.
 */
// @ts-nocheck

import { EventEmitter } from 'node:events';
import express from 'express';

interface Change {
  id: number;
  data: string;
}

const port = Number(process.argv[2] ?? 8082);
const changes = new EventEmitter();
changes.setMaxListeners(0);
let nextId = 0;

const app = express();
app.use(express.json({ limit: '1mb' }));

app.get('/events', (req, res) => {
  const topic = String(req.query.topic ?? '');
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
  });
  res.write('retry: 2000\n\n');
  const onChange = (change: Change) => {
    res.write(`id: ${change.id}\ndata: ${change.data}\n\n`);
  };
  changes.on(topic, onChange);
  req.on('close', () => changes.off(topic, onChange));
});

app.post('/publish', (req, res) => {
  const { topic, data } = req.body as { topic: string; data: string };
  const change: Change = { id: ++nextId, data };
  changes.emit(topic, change);
  res.json({ id: String(change.id) });
});

app.get('/healthz', (_req, res) => {
  res.send('ok\n');
});

const server = app.listen(port, '0.0.0.0');
server.keepAliveTimeout = 120_000;
process.on('SIGTERM', () => process.exit(0));
