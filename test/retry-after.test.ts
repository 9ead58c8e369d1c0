import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHub } from '../src/create-hub.js';
import { type ErrorCode, errorStatus, SseHubError } from '../src/errors.js';
import { sendError } from '../src/http/respond.js';
import { sendRaw } from './support/http-request.js';
import { publish } from './support/sse-stream.js';

/**
 * docs/errors.md: an error answer with status 503 or 429 carries `Retry-After`.
 * The codes with their own tests (TOO_MANY_STREAMS, RATE_LIMITED, TOO_MANY_CONNECTIONS,
 * AUTH_UNAVAILABLE, HUB_BUSY, LOG_UNAVAILABLE on Redis) are checked there; this file
 * holds the rule for every code, and SHUTTING_DOWN end to end.
 */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('Retry-After', () => {
  it('is on every 503 and 429 error answer, and on no other', async () => {
    const url = await listen(
      createServer((req, res) => sendError(res, new SseHubError(req.url?.slice(1) as ErrorCode, 'refused'))),
    );
    const codes = Object.keys(errorStatus) as ErrorCode[];
    for (const code of codes) {
      const res = await sendRaw(`${url}/${code}`);
      const retryable = errorStatus[code] === 503 || errorStatus[code] === 429;
      expect([code, res.status, res.code, res.headers['retry-after']]).toEqual([
        code,
        errorStatus[code],
        code,
        retryable ? '1' : undefined,
      ]);
    }
    // A code that knows its own delay says so.
    const ownDelay = await listen(
      createServer((_req, res) => sendError(res, new SseHubError('RATE_LIMITED', 'slow', { retryAfterSeconds: 7 }))),
    );
    expect((await sendRaw(ownDelay)).headers['retry-after']).toBe('7');
  });

  it('comes with 503 SHUTTING_DOWN from a hub closing inside a server that still answers', async () => {
    const hub = await createHub({ ephemeral: true, logLevel: 'silent' });
    const url = await listen(createServer(hub.handler));
    await hub.close();
    const res = await publish(url, { topic: 't', data: 'late' });
    expect([res.status, res.body.error?.code, res.headers['retry-after']]).toEqual([503, 'SHUTTING_DOWN', '1']);
  });
});
