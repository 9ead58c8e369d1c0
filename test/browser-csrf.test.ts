import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHub, type SseHub } from '../src/create-hub.js';
import { hasChromium, launchChromium } from './support/chromium.js';
import { tempDir } from './support/temp-dir.js';
import { hsToken, TEST_SECRET } from './support/tokens.js';
import { waitUntil } from './support/wait.js';

/**
 * A signed-in visitor (the hub's HttpOnly cookie in their browser) opens pages
 * on other origins. Origins: the hub on http://127.0.0.1:H; `allowed` on
 * http://127.0.0.1:A (listed in corsOrigins); `sameSite` on http://127.0.0.1:S
 * (another port: same site, so the SameSite=Lax cookie IS sent); `crossSite` on
 * http://localhost:C (another site: Lax keeps the cookie off its subresource
 * requests and cross-site POST navigations).
 */

const WAIT = 15_000;

interface Seen {
  method: string;
  path: string;
  status: number;
  cookie: boolean;
  origin: string | undefined;
  allowOrigin: string | undefined;
}

let dir: ReturnType<typeof tempDir>;
let hub: SseHub;
let hubServer: Server;
let hubUrl: string;
const pageServers: Server[] = [];
const origins = { allowed: '', sameSite: '', crossSite: '' };
let browser: Browser;
let context: BrowserContext;
/** Every request the hub answered, as the hub saw it. */
const seen: Seen[] = [];
let recordId: string;

/** A page with nothing but a title; the tests drive it with page.evaluate. */
function pageServer(): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>page</title><h1>page</h1>');
  });
  pageServers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
const portOf = (server: Server) => (server.address() as AddressInfo).port;

const logSize = async () => (await hub.log.readAfter(0, 100_000)).length;

async function openPage(origin: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}/`, { timeout: WAIT });
  return page;
}

/** The requests the hub has received, once it has answered them all. */
async function answered(): Promise<Seen[]> {
  await waitUntil(() => seen.every((r) => r.status !== 0), WAIT, 'the hub to answer').catch((err) => {
    const pending = seen.filter((r) => r.status === 0).map((r) => `${r.method} ${r.path}`);
    throw new Error(`${(err as Error).message}; unanswered: ${pending.join(', ')}`);
  });
  return seen;
}

/** The last answered request with this method and path (a navigation also fetches /favicon.ico). */
async function lastTo(method: string, path: string): Promise<Seen | undefined> {
  return (await answered()).findLast((r) => r.method === method && r.path === path);
}

/** What a page's fetch saw: its status if readable, else the error the browser raised. */
function attack(page: Page, init: { path: string; method: string; type?: string; body?: string }) {
  return page.evaluate(
    async ({ url, init }) => {
      try {
        const res = await fetch(url, {
          method: init.method,
          credentials: 'include',
          // A refused preflight or a connection the hub closed must end the attempt, not hang the
          // test (seen under a loaded full run); what the hub answered is checked on its side.
          signal: AbortSignal.timeout(3_000),
          headers: init.type ? { 'content-type': init.type } : {},
          ...(init.body !== undefined && { body: init.body }),
        });
        return { status: res.status, text: await res.text() };
      } catch (err) {
        return { error: String(err) };
      }
    },
    { url: `${hubUrl}${init.path}`, init },
  );
}

describe.skipIf(!hasChromium)('browser: CSRF and cross-origin streams', () => {
  beforeAll(async () => {
    dir = tempDir('ssehub-csrf-');
    origins.allowed = `http://127.0.0.1:${portOf(await pageServer())}`;
    origins.sameSite = `http://127.0.0.1:${portOf(await pageServer())}`;
    origins.crossSite = `http://localhost:${portOf(await pageServer())}`;
    hub = await createHub({
      dataDir: dir.path,
      logLevel: 'silent',
      jwtSecret: TEST_SECRET,
      corsOrigins: [origins.allowed],
      canaryIntervalMs: 0, // its beats are log events; this test counts them
    });
    // The hub's own handler, observed from outside: what reached it and what it answered.
    hubServer = createServer((req, res) => {
      const entry: Seen = {
        method: req.method ?? '',
        path: (req.url ?? '').split('?')[0] ?? '',
        status: 0,
        cookie: /ssehub_token=/.test(req.headers.cookie ?? ''),
        origin: req.headers.origin,
        allowOrigin: undefined,
      };
      seen.push(entry);
      // A stream never finishes: it closes when the browser drops it.
      const done = () => {
        entry.status ||= res.statusCode;
        entry.allowOrigin ??= res.getHeader('access-control-allow-origin') as string | undefined;
      };
      res.once('finish', done);
      res.once('close', done);
      hub.handler(req, res);
    });
    await new Promise<void>((resolve) => hubServer.listen(0, '127.0.0.1', resolve));
    hubUrl = `http://127.0.0.1:${portOf(hubServer)}`;
    recordId = (await hub.collections!.insert('notes', { text: 'original' })).record.id;

    browser = await launchChromium(WAIT);
    context = await browser.newContext();
    const token = await hsToken({
      sub: 'visitor',
      claims: { ssehub: { subscribe: ['**'], publish: ['**'], admin: true } },
    });
    await context.addCookies([
      { name: 'ssehub_token', value: token, domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Lax' },
    ]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    hubServer?.closeAllConnections();
    await new Promise((resolve) => hubServer?.close(resolve));
    await hub?.close();
    for (const server of pageServers) await new Promise((resolve) => server.close(resolve));
    dir?.remove();
  });

  it('the allowed origin can write with the cookie (the set-up can succeed)', async () => {
    const page = await openPage(origins.allowed);
    const before = await logSize();
    const result = await attack(page, {
      path: '/publish',
      method: 'POST',
      type: 'application/json',
      body: JSON.stringify({ topic: 'board', data: 'from the allowed origin' }),
    });
    expect(result).toMatchObject({ status: 200 });
    expect(await logSize()).toBe(before + 1);
    expect(await lastTo('POST', '/publish')).toMatchObject({ status: 200, cookie: true });
    await page.close();
  });

  it.each([
    ['a same-site page on another port', 'sameSite'],
    ['a cross-site page', 'crossSite'],
  ] as const)('%s cannot publish or write records through the visitor cookie', async (_, from) => {
    const page = await openPage(origins[from]);
    const before = await logSize();
    seen.length = 0;
    const note = `/collections/notes/records/${recordId}`;
    const forged = JSON.stringify({ topic: 'board', data: 'forged', text: 'forged' });

    // Requests a page may send without asking (no preflight): text/plain bodies.
    for (const path of ['/publish', '/collections/notes/records']) {
      const simple = await attack(page, { path, method: 'POST', type: 'text/plain', body: forged });
      expect(simple).toHaveProperty('error'); // not readable: no CORS grant
      // Lax: the same-site page's request carries the cookie, the cross-site one's does not.
      expect(await lastTo('POST', path)).toMatchObject({
        status: 415,
        allowOrigin: undefined,
        cookie: from === 'sameSite',
      });
    }

    // JSON writes, PUT, PATCH and DELETE need a preflight, which the hub does not grant.
    for (const [method, path] of [
      ['POST', '/publish'],
      ['POST', '/collections/notes/records'],
      ['PUT', note],
      ['PATCH', note],
      ['DELETE', note],
    ] as const) {
      const count = seen.length;
      const result = await attack(page, {
        path,
        method,
        ...(method !== 'DELETE' && { type: 'application/json', body: forged }),
      });
      expect(result).toHaveProperty('error');
      const reached = (await answered()).slice(count);
      expect(reached.map((r) => r.method)).toEqual(['OPTIONS']); // the write itself was never sent
      expect(reached[0]?.allowOrigin).toBeUndefined();
    }

    // The classic CSRF: a form posted by top-level navigation.
    const formPost = page.waitForResponse((r) => r.url() === `${hubUrl}/publish`, { timeout: WAIT });
    await page.evaluate(
      ({ action }) => {
        const form = document.createElement('form');
        form.method = 'POST';
        form.action = action;
        form.enctype = 'text/plain';
        const input = document.createElement('input');
        input.name = '{"topic":"board","data":"forged","x":"';
        input.value = '"}';
        form.append(input);
        document.body.append(form);
        form.submit();
      },
      { action: `${hubUrl}/publish` },
    );
    const response = await formPost;
    expect(response.status()).toBe(415);
    // Lax sends the cookie on a cross-site navigation only for GET.
    expect(await lastTo('POST', '/publish')).toMatchObject({ status: 415, cookie: from === 'sameSite' });

    expect(await logSize()).toBe(before);
    expect((await hub.collections!.get('notes', recordId)).data).toEqual({ text: 'original' });
    expect((await hub.collections!.list('notes')).records).toHaveLength(1);
    // Closing the page the form navigated can stall in Chromium after the hub closed the
    // connection of that refused POST; the context is closed after the suite anyway.
    void page.close().catch(() => {});
  });

  it('a cross-origin EventSource reads the stream only from an allowed origin', async () => {
    const first = await hub.publish({ topic: 'private/inbox', data: 'before' });
    await hub.publish({ topic: 'private/inbox', data: 'secret' });
    const url = `${hubUrl}/events?topic=private/**&lastEventId=${encodeURIComponent(first.id)}`;
    // Resumes after `first`, so the secret is replayed at once to whoever may read it.
    const listen = (page: Page) =>
      page.evaluate(
        (src) =>
          new Promise<{ messages: string[]; error: boolean; readyState: number }>((resolve) => {
            const messages: string[] = [];
            const source = new EventSource(src, { withCredentials: true });
            source.onmessage = (e) => {
              messages.push(e.data);
              source.close();
              resolve({ messages, error: false, readyState: source.readyState });
            };
            // A CORS failure fails the connection for good (CLOSED): no message can follow.
            source.onerror = () => resolve({ messages, error: true, readyState: source.readyState });
          }),
        url,
      );

    const allowed = await openPage(origins.allowed);
    expect(await listen(allowed)).toEqual({ messages: ['secret'], error: false, readyState: 2 });

    for (const from of ['sameSite', 'crossSite'] as const) {
      const page = await openPage(origins[from]);
      seen.length = 0;
      expect(await listen(page)).toEqual({ messages: [], error: true, readyState: 2 });
      await page.close();
      const request = (await answered()).find((r) => r.path === '/events');
      expect(request?.allowOrigin).toBeUndefined();
      // The same-site page's stream carried the cookie (the hub served it, the browser hid it);
      // the cross-site one went without and was refused.
      expect(request).toMatchObject(
        from === 'sameSite' ? { cookie: true, status: 200 } : { cookie: false, status: 401 },
      );
      await page.close();
    }
    await allowed.close();
  });
});
