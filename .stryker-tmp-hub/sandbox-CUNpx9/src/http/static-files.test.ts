// @ts-nocheck
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPEN_PRINCIPAL } from '../auth/principal.js';
import { sendError } from './respond.js';
import { staticFilesRoute } from './static-files.js';

let dir: string;
let server: Server;
let base: string;

/** A raw request, so paths such as `/../x` reach the server unnormalised. */
function get(path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request(`${base}/`, { method, path, headers, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ssehub-static-'));
  mkdirSync(join(dir, 'site', 'assets'), { recursive: true });
  writeFileSync(join(dir, 'site', 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(dir, 'site', 'assets', 'index-AbC123xy.js'), 'console.log(1)');
  writeFileSync(join(dir, 'site', 'assets', 'index-Qq9_-zzz.css'), 'body{}');
  writeFileSync(join(dir, 'site', '.env'), 'hidden');
  writeFileSync(join(dir, 'secret.txt'), 'outside');
  const route = staticFilesRoute(join(dir, 'site'));
  if (!route) throw new Error('expected a route');
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const context = {
      url,
      principal: async () => OPEN_PRINCIPAL,
      clientAddress: req.socket.remoteAddress,
      secure: false,
      countPublish: async () => {},
    };
    try {
      if (!(await route(req, res, context))) res.writeHead(404).end('nope');
    } catch (err) {
      sendError(res, err);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('staticFilesRoute', () => {
  it('serves index.html at / with revalidation', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('<title>app</title>');
    const again = await get('/', { 'If-None-Match': String(res.headers.etag) });
    expect(again.status).toBe(304);
  });

  it('serves hashed assets with their type, cached as immutable', async () => {
    const js = await get('/assets/index-AbC123xy.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const css = await get('/assets/index-Qq9_-zzz.css', {}, 'HEAD');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toBe('');
  });

  it('never leaves its root and falls through for unknown paths', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets%2f..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/.env',
      '/%00',
      '/%E0%A4%A',
      '/missing.js',
      '/assets',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('outside');
    }
    expect((await get('/missing.js', {}, 'POST')).status).toBe(404);
  });

  it('answers 405 with Allow for other methods on existing files', async () => {
    for (const [path, method] of [
      ['/', 'POST'],
      ['/index.html', 'DELETE'],
      ['/assets/index-AbC123xy.js', 'PUT'],
    ] as const) {
      const res = await get(path, {}, method);
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD');
    }
  });

  it('is absent when the directory has no index.html', () => {
    expect(staticFilesRoute(join(dir, 'nothing-here'))).toBeUndefined();
  });
});
