import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HubClientError } from './client-error.js';
import { fetchFirstEvent } from './first-event.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A loopback server answering every request with `handle`; resolves with its base URL. */
async function serve(handle: (res: ServerResponse, headers: Record<string, unknown>) => void): Promise<string> {
  const server = createServer((req, res) => handle(res, req.headers));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
}

async function failure(promise: Promise<unknown>): Promise<HubClientError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(HubClientError);
    return err as HubClientError;
  }
  throw new Error('resolved');
}

describe('fetchFirstEvent', () => {
  it('returns the first event of the type asked for, with its id, and sends the stream headers', async () => {
    let seen: Record<string, unknown> = {};
    const url = await serve((res, headers) => {
      seen = headers;
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('retry: 1000\n\nid: e-1\nevent: other\ndata: no\n\n');
      res.write('id: e-2\nevent: snapshot\ndata: {"records":[]}\n\n');
      res.write('id: e-3\nevent: snapshot\ndata: second\n\n'); // the stream stays open
    });
    const event = await fetchFirstEvent(fetch, url, 'snapshot', { Authorization: 'Bearer t' });
    expect(event).toEqual({ id: 'e-2', type: 'snapshot', data: '{"records":[]}' });
    expect(seen.accept).toBe('text/event-stream');
    expect(seen.authorization).toBe('Bearer t');
  });

  it('turns an error answer into its code', async () => {
    const url = await serve((res) => {
      res.writeHead(403, { 'Content-Type': 'application/json' });
      res.end('{"error":{"code":"FORBIDDEN","message":"no"}}');
    });
    const err = await failure(fetchFirstEvent(fetch, url, 'snapshot'));
    expect([err.code, err.status, err.message]).toEqual(['FORBIDDEN', 403, 'no']);
  });

  it('fails with NETWORK when the stream ends before such an event', async () => {
    const url = await serve((res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.end('event: other\ndata: x\n\n');
    });
    const err = await failure(fetchFirstEvent(fetch, url, 'snapshot'));
    expect([err.code, err.status, err.message]).toEqual(['NETWORK', 0, 'The stream ended before a snapshot event']);
  });

  it('gives up after its timeout, and when nothing listens', async () => {
    const url = await serve((res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(': waiting\n\n');
    });
    const slow = await failure(fetchFirstEvent(fetch, url, 'snapshot', {}, 100));
    expect(slow.code).toBe('NETWORK');
    expect(slow.message).toMatch(new RegExp(`^Cannot read ${url}: `));
    expect(slow.cause).toBeDefined();
    const refused = await failure(fetchFirstEvent(fetch, 'http://127.0.0.1:1/events', 'snapshot'));
    expect(refused.code).toBe('NETWORK');
  });
});
