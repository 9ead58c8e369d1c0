/**
 * A browser's own EventSource, as a Mercure web app uses it: the token rides in
 * the `mercureAuthorization` cookie (EventSource cannot set headers). With the
 * cookie the page receives private updates; without it, only public ones.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from './support/chromium.js';
import { startHub } from './support/hub-server.js';
import { MERCURE_PATH, mercurePublish, mercureToken } from './support/mercure.js';
import { TEST_SECRET } from './support/tokens.js';

if (!hasChromium && process.env.CI) throw new Error('Chromium (/usr/bin/chromium) is required when CI is set');

type Hub = Awaited<ReturnType<typeof startHub>>;
let hub: Hub;
let browser: Browser;

beforeAll(async () => {
  if (!hasChromium) return;
  hub = await startHub({ jwtSecret: TEST_SECRET, mercureAnonymous: true, publishRate: 0 });
  browser = await launchChromium();
}, 30_000);
afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

/** Opens a same-origin page whose native EventSource collects every message until the end marker. */
async function subscribeIn(page: Page, selectors: string[]): Promise<void> {
  await page.goto(new URL('/healthz', hub.url).href);
  await page.evaluate(
    ({ path, selectors }) => {
      const url = new URL(path, location.origin);
      for (const s of selectors) url.searchParams.append('topic', s);
      const w = window as unknown as { received: string[]; opened: boolean };
      w.received = [];
      w.opened = false;
      const source = new EventSource(url, { withCredentials: true });
      source.onopen = () => {
        w.opened = true;
      };
      source.onmessage = (e) => w.received.push(e.data);
    },
    { path: MERCURE_PATH, selectors },
  );
  await page.waitForFunction(() => (window as unknown as { opened: boolean }).opened, undefined, { timeout: 15_000 });
}

const received = (page: Page) => page.evaluate(() => (window as unknown as { received: string[] }).received);

describe.skipIf(!hasChromium)('native EventSource in Chromium', () => {
  it('receives private updates with the mercureAuthorization cookie, only public ones without', async () => {
    const publisher = await mercureToken({ publish: ['*'] });
    const subscriber = await mercureToken({ subscribe: ['https://example.com/users/{id}/inbox'] });
    const withCookie = await browser.newContext();
    await withCookie.addCookies([{ name: 'mercureAuthorization', value: subscriber, url: hub.url }]);
    const withoutCookie = await browser.newContext();
    try {
      const signedIn = await withCookie.newPage();
      const anonymous = await withoutCookie.newPage();
      const selectors = ['https://example.com/users/{id}/inbox', 'https://example.com/news'];
      await subscribeIn(signedIn, selectors);
      await subscribeIn(anonymous, selectors);

      await mercurePublish(hub.url, publisher, {
        topics: ['https://example.com/users/7/inbox'],
        data: 'private mail',
        private: true,
      });
      await mercurePublish(hub.url, publisher, { topics: ['https://example.com/news'], data: 'public news' });
      await mercurePublish(hub.url, publisher, { topics: ['https://example.com/news'], data: 'end' });
      for (const page of [signedIn, anonymous]) {
        await page.waitForFunction(
          () => (window as unknown as { received: string[] }).received.includes('end'),
          undefined,
          {
            timeout: 15_000,
          },
        );
      }
      expect(await received(signedIn)).toEqual(['private mail', 'public news', 'end']);
      expect(await received(anonymous)).toEqual(['public news', 'end']);
    } finally {
      await withCookie.close();
      await withoutCookie.close();
    }
  }, 60_000);
});
