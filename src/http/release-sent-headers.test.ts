import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { releaseSentHeaders } from './release-sent-headers.js';

let server: Server | undefined;

afterEach(
  () =>
    new Promise<void>((resolve) => {
      server?.closeAllConnections();
      server ? server.close(() => resolve()) : resolve();
    }),
);

/** Serves one response that releases its headers after flushing them, then writes and ends. */
async function fetchReleased(): Promise<{
  headers: Record<string, unknown>;
  body: string;
  namesAfter: string[];
  sentAfter: boolean;
}> {
  let namesAfter: string[] = [];
  let sentAfter = false;
  server = createServer((_req, res) => {
    res.setHeader('X-Frame-Options', 'DENY');
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.flushHeaders();
    releaseSentHeaders(res);
    namesAfter = res.getHeaderNames();
    sentAfter = res.headersSent;
    res.write('data: one\n\n');
    setImmediate(() => res.end('data: two\n\n'));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ headers: res.headers, body, namesAfter, sentAfter }));
    }).on('error', reject);
  });
}

describe('releaseSentHeaders', () => {
  it('drops the header map of a sent response, which still writes and ends (chunked) normally', async () => {
    const { headers, body, namesAfter, sentAfter } = await fetchReleased();
    expect(sentAfter).toBe(true);
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['content-type']).toBe('text/event-stream');
    expect(headers['transfer-encoding']).toBe('chunked');
    expect(body).toBe('data: one\n\ndata: two\n\n');
    // On the supported Node versions the internals are as expected, so the map is gone.
    expect(namesAfter).toEqual([]);
  });

  it('leaves a response whose headers are not sent yet alone', () => {
    const res = { _headerSent: false, _header: null } as never;
    releaseSentHeaders(res);
    expect(res).toEqual({ _headerSent: false, _header: null });
  });
});
