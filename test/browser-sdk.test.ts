import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHub, type SseHub } from '../src/create-hub.js';
import type { Probe, ProbeWindow } from './fixtures/browser-probe/probe.js';
import { hasChromium, launchChromium } from './support/chromium.js';
import { publish } from './support/sse-stream.js';
import { tempDir } from './support/temp-dir.js';
import { waitUntil } from './support/wait.js';

/**
 * The SDK in Chromium without the message board: `useSubscription` (docs/client.md)
 * rendered with react-dom, and a plain `subscribe()` stream shared by two tabs
 * handed over when the leader tab closes. The page (test/fixtures/browser-probe)
 * is served on the hub's origin so the tabs share Web Locks and BroadcastChannel.
 */
const WAIT = 15_000;
const PROBE = join(import.meta.dirname, 'fixtures', 'browser-probe');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };

let out: { path: string; remove(): void };
let hub: SseHub;
let server: Server;
let url: string;
let browser: Browser;
/** GET /events requests the hub was sent: a reopened stream shows here. */
let streamRequests = 0;

beforeAll(async () => {
  if (!hasChromium) return;
  out = tempDir('ssehub-probe-');
  await build({
    configFile: false,
    root: PROBE,
    base: '/probe/',
    logLevel: 'warn',
    build: { outDir: out.path, emptyOutDir: true, target: 'es2022' },
  });
  hub = await createHub({ ephemeral: true, logLevel: 'silent', retryMs: 100 });
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/probe/')) {
      const file = normalize(join(out.path, path.slice('/probe/'.length) || 'index.html'));
      try {
        const body = readFileSync(file.startsWith(out.path) ? file : join(out.path, 'index.html'));
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
      return;
    }
    if (path === '/events') streamRequests++;
    hub.handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium(WAIT);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await hub?.close();
  out?.remove();
});

const connections = () => hub.hub.stats().connections;

async function openProbe(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${url}/probe/`, { timeout: WAIT });
  await page.waitForFunction(() => 'probe' in window, undefined, { timeout: WAIT });
  return page;
}

type State = Pick<Probe, 'hookEvents' | 'hookStatus' | 'events' | 'status'>;
const read = <K extends keyof State>(page: Page, key: K) =>
  page.evaluate((k) => (window as unknown as ProbeWindow).probe[k], key) as Promise<State[K]>;

describe.skipIf(!hasChromium)('browser: the SDK in Chromium', () => {
  it('useSubscription: delivers events to the latest handler, reopens only for new topics, closes on unmount', async () => {
    const context = await browser.newContext();
    try {
      const page = await openProbe(context);
      const before = streamRequests;
      await page.evaluate(() => (window as unknown as ProbeWindow).probe.mount({ topic: 'hook/a', tag: 'first' }));
      await waitUntil(async () => (await read(page, 'hookStatus')) === 'live', WAIT, 'the hook to report live');
      await waitUntil(() => connections() === 1, WAIT, 'one stream');
      await publish(url, { topic: 'hook/a', data: '1' });
      await waitUntil(async () => (await read(page, 'hookEvents')).length === 1, WAIT, 'the first event');

      // A re-render with a new handler: the new one gets the next event, on the same stream.
      await page.evaluate(() => (window as unknown as ProbeWindow).probe.rerender({ topic: 'hook/a', tag: 'second' }));
      await publish(url, { topic: 'hook/a', data: '2' });
      await waitUntil(async () => (await read(page, 'hookEvents')).length === 2, WAIT, 'the second event');
      expect(streamRequests - before).toBe(1);

      // New topics: a new stream; the old topic is no longer followed.
      await page.evaluate(() => (window as unknown as ProbeWindow).probe.rerender({ topic: 'hook/b', tag: 'third' }));
      await waitUntil(() => streamRequests - before === 2, WAIT, 'the stream to reopen');
      await waitUntil(async () => (await read(page, 'hookStatus')) === 'live', WAIT, 'live again');
      await publish(url, { topic: 'hook/a', data: 'old-topic' });
      await publish(url, { topic: 'hook/b', data: '3' });
      await publish(url, { topic: 'hook/b', data: 'end' });
      await waitUntil(async () => (await read(page, 'hookEvents')).includes('third:end'), WAIT, 'the end marker');
      expect(await read(page, 'hookEvents')).toEqual(['first:1', 'second:2', 'third:3', 'third:end']);
      expect(connections()).toBe(1);

      await page.evaluate(() => (window as unknown as ProbeWindow).probe.unmount());
      await waitUntil(() => connections() === 0, WAIT, 'the stream to close on unmount');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('two tabs share one subscribe() stream; closing the leader hands over with every event exactly once', async () => {
    await waitUntil(() => connections() === 0, WAIT, 'no stream left from before');
    const context = await browser.newContext();
    try {
      const leader = await openProbe(context);
      await leader.evaluate(() => (window as unknown as ProbeWindow).probe.subscribe('tabs'));
      await waitUntil(async () => (await read(leader, 'status')) === 'live', WAIT, 'the leader live');
      const survivor = await openProbe(context);
      await survivor.evaluate(() => (window as unknown as ProbeWindow).probe.subscribe('tabs'));
      await waitUntil(async () => (await read(survivor, 'status')) === 'live', WAIT, 'the follower live');
      expect(connections()).toBe(1);

      const sent: string[] = [];
      const send = async (data: string) => {
        await publish(url, { topic: 'tabs', data });
        sent.push(data);
      };
      for (let i = 0; i < 10; i++) await send(`before-${i}`);
      await waitUntil(async () => (await read(survivor, 'events')).length === 10, WAIT, 'the first events');

      // Publish all through the hand-over: some events land while no tab holds the stream.
      const closing = leader.close();
      for (let i = 0; i < 30; i++) {
        await send(`during-${i}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await closing;
      await waitUntil(() => connections() === 1, WAIT, 'the survivor to take the stream over');
      await send('end');
      await waitUntil(async () => (await read(survivor, 'events')).includes('end'), WAIT, 'the end marker');
      expect(await read(survivor, 'events')).toEqual(sent);
    } finally {
      await context.close();
    }
  }, 60_000);
});
