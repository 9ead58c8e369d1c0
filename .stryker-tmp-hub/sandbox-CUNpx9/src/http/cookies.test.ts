// @ts-nocheck
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSecureRequest } from './client-address.js';
import { clearTokenCookie, setTokenCookie, tokenCookie } from './cookies.js';
import { cookieValue } from './credentials.js';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl';

let server: Server;
let base: string;

beforeAll(async () => {
  // Sets the cookie the way a sign-in route would: Secure decided from the request.
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const trust = url.searchParams.has('trust');
    res.setHeader('Set-Cookie', 'theme=dark; Path=/');
    if (url.pathname === '/login') setTokenCookie(res, TOKEN, { secure: isSecureRequest(req, trust), maxAge: 3600 });
    else clearTokenCookie(res, { secure: isSecureRequest(req, trust) });
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const cookiesOf = async (path: string, headers: Record<string, string> = {}) =>
  (await fetch(`${base}${path}`, { headers })).headers.getSetCookie();

describe('token cookie', () => {
  it('is HttpOnly, SameSite=Lax, Path=/, keeps other cookies, and is not Secure over plain HTTP', async () => {
    const [other, token] = await cookiesOf('/login');
    expect(other).toBe('theme=dark; Path=/');
    expect(token).toBe(`ssehub_token=${TOKEN}; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600`);
    expect(cookieValue(token, 'ssehub_token')).toBe(TOKEN);
  });

  it('is Secure behind a TLS proxy only when the proxy is trusted', async () => {
    const [, untrusted] = await cookiesOf('/login', { 'x-forwarded-proto': 'https' });
    expect(untrusted).not.toMatch(/Secure/);
    const [, trusted] = await cookiesOf('/login?trust', { 'x-forwarded-proto': 'https' });
    expect(trusted).toMatch(/; Secure$/);
    const [, plain] = await cookiesOf('/login?trust', { 'x-forwarded-proto': 'http' });
    expect(plain).not.toMatch(/Secure/);
  });

  it('is cleared with the same name, path and flags, expired', async () => {
    const [, cleared] = await cookiesOf('/logout?trust', { 'x-forwarded-proto': 'https' });
    expect(cleared).toBe('ssehub_token=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure');
  });

  it('refuses values that could inject attributes', () => {
    expect(() => tokenCookie('a; Domain=evil.test', { secure: false })).toThrow(TypeError);
    expect(() => tokenCookie('a\r\nSet-Cookie: x=1', { secure: false })).toThrow(TypeError);
    expect(() => tokenCookie(TOKEN, { secure: false, maxAge: -1 })).toThrow(TypeError);
  });
});
