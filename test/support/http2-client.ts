import { type ClientHttp2Session, connect, type IncomingHttpHeaders } from 'node:http2';
import { type ParsedEvent, SseParser } from '../../src/protocol/parser.js';
import { waitUntil } from './wait.js';

/** One HTTP/2 connection to a hub (h2c, or TLS with `ca` trusting the test certificate). */
export function h2Connect(baseUrl: string, ca?: string): Promise<ClientHttp2Session> {
  const session = connect(baseUrl, ca === undefined ? {} : { ca });
  return new Promise((resolve, reject) => {
    session.once('connect', () => {
      session.off('error', reject);
      resolve(session);
    });
    session.once('error', reject);
  });
}

export interface H2Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The stream ended with RST_STREAM; its code (0 is NO_ERROR). */
  rstCode: number | undefined;
}

/** One request on `session`, read to the end. */
export function h2Request(
  session: ClientHttp2Session,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<H2Answer> {
  const stream = session.request({ ':path': path, ':method': init.method ?? 'GET', ...init.headers });
  return new Promise((resolve, reject) => {
    let headers: IncomingHttpHeaders = {};
    let text = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => {
      headers = h;
    });
    stream.on('data', (d: string) => {
      text += d;
    });
    stream.on('error', reject);
    stream.on('close', () =>
      resolve({ status: Number(headers[':status'] ?? 0), headers, text, rstCode: stream.rstCode }),
    );
    stream.end(init.body);
  });
}

/** `POST /publish` with a JSON body over HTTP/2. */
export async function h2Publish(
  session: ClientHttp2Session,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: { id?: string; error?: { code: string } } }> {
  const answer = await h2Request(session, '/publish', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: answer.status, body: JSON.parse(answer.text) };
}

export interface H2EventStream {
  status: number;
  headers: IncomingHttpHeaders;
  events: ParsedEvent[];
  waitFor(predicate: (events: ParsedEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
}

/** An SSE stream (`/events`, `/live`, Mercure) as one stream of `session`; resolves once the headers are in. */
export function h2EventStream(
  session: ClientHttp2Session,
  path: string,
  headers: Record<string, string> = {},
): Promise<H2EventStream> {
  const stream = session.request({ ':path': path, ...headers });
  stream.end();
  const events: ParsedEvent[] = [];
  const parser = new SseParser({ onEvent: (e) => events.push(e) });
  stream.on('data', (chunk: Buffer) => parser.feed(chunk));
  stream.on('error', () => {
    // a reset or a closed session: the test decides what that means
  });
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.once('response', (h) =>
      resolve({
        status: Number(h[':status']),
        headers: h,
        events,
        waitFor: (predicate, timeoutMs = 10_000) => waitUntil(() => predicate(events), timeoutMs),
        close: () => stream.close(),
      }),
    );
  });
}
