import { type IncomingHttpHeaders, request } from 'node:http';
import type { PublishAck } from '../../src/protocol/wire.js';
import { waitUntil } from './wait.js';

/** A streaming publish in progress: lines go out as written, answers are collected as they arrive. */
export interface NdjsonPublisher {
  /** Sends raw text (lines end with `\n`); resolves once the socket took it. */
  send(text: string): Promise<void>;
  /** Ends the request body. */
  end(): void;
  /** Hangs up: the connection is destroyed mid-request. */
  abort(): void;
  /** The answer lines received so far, parsed. */
  readonly acks: PublishAck[];
  /** The response's status and headers, once they arrived. */
  readonly response: Promise<{ status: number; headers: IncomingHttpHeaders }>;
  /** The raw response body once it ended (an error answer's JSON, say). */
  readonly finished: Promise<string>;
  waitForAcks(count: number, timeoutMs?: number): Promise<void>;
}

/** Opens `POST /publish` with an NDJSON body on a fresh connection, chunked, left open for {@link NdjsonPublisher.send}. */
export function ndjsonPublisher(baseUrl: string, headers: Record<string, string> = {}): NdjsonPublisher {
  const acks: PublishAck[] = [];
  let body = '';
  let finish: (text: string) => void = () => {};
  let fail: (err: unknown) => void = () => {};
  const finished = new Promise<string>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  // Fails only when the tests ask for it: a killed hub resets the connection.
  finished.catch(() => {});
  const req = request(new URL('/publish', baseUrl), {
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/x-ndjson', ...headers },
  });
  const response = new Promise<{ status: number; headers: IncomingHttpHeaders }>((resolve, reject) => {
    req.on('response', (res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
      const ndjson = String(res.headers['content-type']).startsWith('application/x-ndjson');
      let partial = '';
      res.setEncoding('utf8');
      res.on('data', (text: string) => {
        body += text;
        if (!ndjson) return;
        const lines = (partial + text).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) acks.push(JSON.parse(line) as PublishAck);
      });
      res.on('end', () => finish(body));
      res.on('error', fail);
    });
    req.on('error', (err) => {
      reject(err);
      fail(err);
    });
  });
  response.catch(() => {});
  const closed = new Promise<never>((_, reject) => req.once('close', () => reject(new Error('the connection closed'))));
  closed.catch(() => {});
  req.flushHeaders();
  return {
    // A write to a dead connection may never call back: the request's error settles it too.
    send: (text) =>
      Promise.race([
        closed,
        new Promise<void>((resolve, reject) => req.write(text, (err) => (err ? reject(err) : resolve()))),
      ]),
    end: () => req.end(),
    abort: () => req.destroy(),
    acks,
    response,
    finished,
    waitForAcks: (count, timeoutMs = 10_000) =>
      waitUntil(() => acks.length >= count, timeoutMs, `${count} publish acknowledgements`),
  };
}
