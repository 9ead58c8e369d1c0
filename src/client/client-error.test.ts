import { describe, expect, it } from 'vitest';
import { errorFromResponse, HubClientError } from './client-error.js';

describe('HubClientError', () => {
  it('keeps code, status, details and cause', () => {
    const cause = new Error('root');
    const err = new HubClientError('X', 'message', 418, { a: 1 }, { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('HubClientError');
    expect(err.message).toBe('message');
    expect([err.code, err.status, err.details, err.cause]).toEqual(['X', 418, { a: 1 }, cause]);
  });
});

describe('errorFromResponse', () => {
  it('reads the hub’s { error: { code, message, details } } body', async () => {
    const body = { error: { code: 'RECORD_NOT_FOUND', message: 'No record r1', details: { id: 'r1' } } };
    const err = await errorFromResponse(new Response(JSON.stringify(body), { status: 404, statusText: 'Not Found' }));
    expect([err.code, err.message, err.status, err.details]).toEqual([
      'RECORD_NOT_FOUND',
      'No record r1',
      404,
      { id: 'r1' },
    ]);
  });

  it('falls back to the status line for a body that is not an error object', async () => {
    for (const body of ['<html>oops</html>', '{}', '{"error":{}}', 'null']) {
      const err = await errorFromResponse(new Response(body, { status: 502, statusText: 'Bad Gateway' }));
      expect([err.code, err.message, err.status, err.details], body).toEqual([
        'HTTP_502',
        '502 Bad Gateway',
        502,
        undefined,
      ]);
    }
    const bare = await errorFromResponse(new Response('', { status: 500 }));
    expect(bare.message).toBe('500');
  });

  it('keeps the status line message when the body names only a code', async () => {
    const err = await errorFromResponse(
      new Response('{"error":{"code":"RATE_LIMITED"}}', { status: 429, statusText: 'Too Many Requests' }),
    );
    expect([err.code, err.message]).toEqual(['RATE_LIMITED', '429 Too Many Requests']);
  });
});
