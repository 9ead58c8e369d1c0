import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, serve } from '../src/server.js';
import { hasChromium, launchChromium } from './support/chromium.js';
import { openStream, publish, type RecordedStream } from './support/sse-stream.js';
import { tempDir } from './support/temp-dir.js';
import { bearer, hsToken, TEST_SECRET } from './support/tokens.js';
import { waitUntil } from './support/wait.js';

const WAIT = 20_000;
const RESULTS = join(import.meta.dirname, '..', 'test-results');

describe('browser: CI must have chromium for the admin dashboard', () => {
  it.runIf(Boolean(process.env.CI))('finds /usr/bin/chromium', () => {
    expect(hasChromium).toBe(true);
  });
});

describe.skipIf(!hasChromium)('browser: the admin dashboard', () => {
  const dir = tempDir();
  let server: RunningServer;
  let browser: Browser;
  let admin: string;
  let reader: string;

  beforeAll(async () => {
    await build({ configFile: join(import.meta.dirname, '..', 'web', 'vite.config.ts'), logLevel: 'warn' });
    server = await serve({
      port: 0,
      host: '127.0.0.1',
      dataDir: dir.path,
      logLevel: 'silent',
      jwtSecret: TEST_SECRET,
      publishRate: 0,
      canaryIntervalMs: 500,
    });
    browser = await launchChromium(WAIT);
    admin = await hsToken({ sub: 'ops', rights: { subscribe: ['**'], publish: ['**'], admin: true } });
    reader = await hsToken({ sub: 'reader', rights: { subscribe: ['**'], publish: ['**'] } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    dir.remove();
  });

  async function pageWithToken(token: string): Promise<Page> {
    const context = await browser.newContext();
    await context.addCookies([{ name: 'ssehub_token', value: token, url: server.url }]);
    return context.newPage();
  }

  const value = async (page: Page, testId: string) => Number(await page.getByTestId(testId).getAttribute('data-value'));

  it('refuses a non-admin token (page and stats stream)', async () => {
    const page = await pageWithToken(reader);
    const res = await page.goto(`${server.url}/admin`, { timeout: WAIT });
    expect(res?.status()).toBe(403);
    expect(await page.content()).toContain('FORBIDDEN');
    const stats = await fetch(`${server.url}/admin/stats`, { headers: bearer(reader) });
    expect(stats.status).toBe(403);
    const anonymous = await fetch(`${server.url}/admin`);
    expect(anonymous.status).toBe(401);
    await page.context().close();
  });

  it('shows live numbers that move under load, and looks a topic up', async () => {
    const page = await pageWithToken(admin);
    const res = await page.goto(`${server.url}/admin`, { timeout: WAIT });
    expect(res?.status()).toBe(200);
    await page.locator('[data-testid=stream-status][data-status=live]').waitFor({ timeout: WAIT });
    await page.getByTestId('open-streams').waitFor({ timeout: WAIT });
    expect(await value(page, 'open-streams')).toBe(0);

    // Load: 10 subscribers and a steady publisher, until the dashboard shows deliveries.
    const streams: RecordedStream[] = [];
    for (let i = 0; i < 10; i++) streams.push(await openStream(server.url, ['load/topic'], { headers: bearer(admin) }));
    let n = 0;
    let loading = true;
    const load = (async () => {
      while (loading) {
        await publish(server.url, { topic: 'load/topic', data: { n: n++ } }, { headers: bearer(admin) });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      await waitUntil(async () => (await value(page, 'open-streams')) === 10, WAIT, 'ten open streams on the chart');
      await waitUntil(async () => (await value(page, 'delivered-rate')) > 0, WAIT, 'a delivery rate');
      await waitUntil(async () => (await value(page, 'published-rate')) > 0, WAIT, 'a publish rate');
      await page.getByTestId('top-rate').getByText('load/topic').waitFor({ timeout: WAIT });
      await page.getByTestId('top-subscribers').getByText('load/topic').waitFor({ timeout: WAIT });
      await page.getByTestId('nodes').getByText('(this node)').waitFor({ timeout: WAIT });

      await page.getByTestId('topic-input').fill('load/topic');
      await page.getByTestId('topic-submit').click();
      await page.getByTestId('topic-result').waitFor({ timeout: WAIT });
      expect(await page.getByTestId('topic-subscribers').textContent()).toBe('10');
      expect(await page.getByTestId('topic-event').count()).toBeGreaterThan(0);
      mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: join(RESULTS, 'admin-dashboard.png'), fullPage: true });
    } finally {
      loading = false;
      await load;
      for (const stream of streams) stream.close();
    }
    // The disconnects show up with their reason.
    await page.getByTestId('recent-closes').getByText('client').first().waitFor({ timeout: WAIT });
    await page.context().close();
  });
});
