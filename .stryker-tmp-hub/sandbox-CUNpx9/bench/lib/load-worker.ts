/**
 * A load worker: a child process holding its share of the benchmark's SSE
 * connections on raw sockets. It counts events and records latency; the
 * harness drives it over IPC (see worker-protocol.ts).
 */
// @ts-nocheck

import { connect, type Socket } from 'node:net';
import { nowMs } from './clock.js';
import { HttpStreamReader } from './http-stream-reader.js';
import { LatencyHistogram } from './latency-histogram.js';
import { SseCounter } from './sse-counter.js';
import type { HarnessCommand, OpenCommand, WorkerMessage } from './worker-protocol.js';

interface Stream {
  socket: Socket;
  counter: SseCounter;
  reached: boolean;
}

const histogram = new LatencyHistogram();
let streams: Stream[] = [];
let closing = false;
let closedEarly = 0;
let target = 0;
let reached = 0;
let lastReachedAt = 0;
let firstEventAt = 0;
let lastEventAt = 0;

function send(message: WorkerMessage): void {
  process.send?.(message);
}

function openOne(command: OpenCommand, index: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const host = command.hosts[index % command.hosts.length] as string;
    const port = command.ports[index % command.ports.length] as number;
    const socket = connect({ host, port });
    const counter = new SseCounter(command.latency ? histogram : undefined);
    const stream: Stream = { socket, counter, reached: false };
    let settled = false;
    const settle = (error: string | undefined) => {
      if (settled) return;
      settled = true;
      resolve(error);
    };
    const reader = new HttpStreamReader(
      (status) => {
        if (status === 200) {
          streams.push(stream);
          settle(undefined);
        } else {
          settle(`HTTP ${status}`);
          socket.destroy();
        }
      },
      (buf, start, end) => {
        const now = nowMs();
        if (counter.scan(buf, start, end, now) === 0) return;
        if (firstEventAt === 0) firstEventAt = now;
        lastEventAt = now;
        if (target > 0 && !stream.reached && counter.events >= target) {
          stream.reached = true;
          reached++;
          lastReachedAt = now;
        }
      },
    );
    socket.on('connect', () => {
      const extra = command.headers[index] ? `${command.headers[index]}\r\n` : '';
      socket.write(
        `GET ${command.paths[index]} HTTP/1.1\r\nHost: ${host}:${port}\r\nAccept: text/event-stream\r\n${extra}\r\n`,
      );
    });
    socket.on('data', (buf: Buffer) => reader.push(buf));
    socket.on('error', (err) => settle(err.message));
    socket.on('close', () => {
      if (!settled) settle('closed before the response');
      else if (!closing && reader.status === 200) closedEarly++;
    });
  });
}

async function open(command: OpenCommand): Promise<void> {
  closing = false;
  target = command.target;
  const startedAt = nowMs();
  const errors = new Map<string, number>();
  let next = 0;
  let failed = 0;
  const lane = async () => {
    while (next < command.paths.length) {
      const index = next++;
      const error = await openOne(command, index);
      if (error) {
        failed++;
        errors.set(error, (errors.get(error) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, command.concurrency) }, lane));
  send({
    type: 'opened',
    open: streams.length,
    failed,
    errors: [...errors].map(([message, count]) => `${count}× ${message}`),
    startedAt,
    doneAt: nowMs(),
  });
}

function stats(): void {
  let events = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const { counter } of streams) {
    events += counter.events;
    if (counter.events < min) min = counter.events;
    if (counter.events > max) max = counter.events;
  }
  send({
    type: 'stats',
    open: streams.length - closedEarly,
    failed: 0,
    closedEarly,
    events,
    minPerConn: streams.length === 0 ? 0 : min,
    maxPerConn: max,
    reached,
    lastReachedAt,
    firstEventAt,
    lastEventAt,
    histogram: Array.from(histogram.counts),
    histogramMax: histogram.max,
  });
}

function reset(): void {
  histogram.reset();
  for (const stream of streams) {
    stream.counter.events = 0;
    stream.reached = false;
  }
  reached = 0;
  lastReachedAt = 0;
  firstEventAt = 0;
  lastEventAt = 0;
}

function close(): void {
  closing = true;
  for (const { socket } of streams) socket.destroy();
  streams = [];
  closedEarly = 0;
  reset();
  send({ type: 'closed' });
}

process.on('message', (command: HarnessCommand) => {
  switch (command.cmd) {
    case 'open':
      void open(command);
      break;
    case 'stats':
      stats();
      break;
    case 'reset':
      reset();
      send({ type: 'reset' });
      break;
    case 'close':
      close();
      break;
  }
});

process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
