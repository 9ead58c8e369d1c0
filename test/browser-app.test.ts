import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCollectionsFile } from '../src/collections/collections-file.js';
import { createHub } from '../src/create-hub.js';
import { type RunningServer, serve } from '../src/server.js';
import { CHROMIUM, hasChromium, launchChromium } from './support/chromium.js';
import { bearer, hsToken, TEST_SECRET } from './support/tokens.js';
import { waitUntil } from './support/wait.js';

if (!hasChromium && !process.env.CI) {
  console.warn(`Skipping browser tests: ${CHROMIUM} is missing (apt-get install chromium).`);
}

const WAIT = 15_000;

let dir: string;
let server: RunningServer | undefined;
let browser: Browser;

// As `npm start` runs it: guest sign-in, the board's schema and rules, messages readable signed out.
const BOARD = readCollectionsFile(join(import.meta.dirname, '..', 'web', 'collections.json'));
const start = (port = 0) =>
  serve({
    port,
    host: '127.0.0.1',
    dataDir: dir,
    logLevel: 'silent',
    retryMs: 200,
    jwtSecret: TEST_SECRET,
    guestAuth: true,
    publicTopics: ['collections/messages'],
    collections: BOARD,
  });
const adminToken = () => hsToken({ sub: 'api', rights: { subscribe: ['**'], publish: ['**'], admin: true } });

async function connections(): Promise<number> {
  const res = await fetch(`${server!.url}/healthz`);
  return ((await res.json()) as { connections: number }).connections;
}

const texts = (page: Page) => page.locator('[data-testid=message-text]').allTextContents();
const status = (page: Page) => page.getByTestId('status').getAttribute('data-status');

async function openApp(context: BrowserContext, author?: string): Promise<Page> {
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(server!.url, { timeout: WAIT });
  await page.getByTestId('status').and(page.locator('[data-status=live]')).waitFor({ timeout: WAIT });
  if (author) await signIn(page, author);
  return page;
}

/** Signs the page's browser context in as a guest, unless another tab of the context already did. */
async function signIn(page: Page, name: string): Promise<void> {
  await page.getByTestId('author').or(page.getByTestId('signed-in-as')).first().waitFor({ timeout: WAIT });
  if (await page.getByTestId('signed-in-as').isVisible()) return;
  await page.getByTestId('author').fill(name);
  await page.getByTestId('sign-in').click();
  await page.getByTestId('signed-in-as').waitFor({ timeout: WAIT });
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByTestId('composer-text').fill(text);
  await page.getByTestId('send').click();
  await page.getByTestId('composer-text').and(page.locator(':placeholder-shown')).waitFor({ timeout: WAIT });
}

let markers = 0;

/** One collections API call with the admin token (allowed on every record). */
async function asAdmin(method: string, path: string, body?: unknown): Promise<Response> {
  const res = await fetch(`${server!.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...bearer(await adminToken()) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.ok, `${method} ${path}: ${res.status}`).toBe(true);
  return res;
}

/**
 * Waits until the page shows exactly `expected` (in order), then proves nothing else
 * is still on its way: a marker written after everything must arrive last (a late
 * duplicate or stray change would show before it), and leave again when deleted.
 */
async function expectMessages(page: Page, expected: string[]): Promise<void> {
  const shows = (list: string[], what: string) =>
    waitUntil(async () => (await texts(page)).join('\n') === list.join('\n'), WAIT, `${what} ${JSON.stringify(list)}`);
  await shows(expected, 'messages');
  const marker = `end marker ${++markers}`;
  const created = await asAdmin('POST', '/collections/messages/records', { author: 'api', name: 'API', text: marker });
  const { id } = (await created.json()) as { id: string };
  await shows([...expected, marker], 'nothing before the marker:');
  await asAdmin('DELETE', `/collections/messages/records/${id}`);
  await shows(expected, 'the marker gone:');
}

describe('browser: CI must have chromium', () => {
  it.runIf(Boolean(process.env.CI))('finds /usr/bin/chromium', () => {
    expect(hasChromium, `${CHROMIUM} is required when CI is set`).toBe(true);
  });
});

describe.skipIf(!hasChromium)('browser: the message board', () => {
  beforeAll(async () => {
    // The hub serves web/dist at `/`; build it from the current sources.
    await build({ configFile: join(import.meta.dirname, '..', 'web', 'vite.config.ts'), logLevel: 'warn' });
    dir = mkdtempSync(join(tmpdir(), 'ssehub-browser-'));
    server = await start();
    browser = await launchChromium(WAIT);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows messages live in two pages, survives a restart, edits and deletes propagate', async () => {
    // Two contexts: two independent "browsers", each with its own stream.
    const contextA = await browser.newContext();
    const contextB = await browser.newContext();
    try {
      const a = await openApp(contextA, 'Ada');
      const b = await openApp(contextB, 'Bob');
      await waitUntil(async () => (await connections()) === 2, WAIT, 'two streams');

      await send(a, 'hello from A');
      await expectMessages(a, ['hello from A']);
      await expectMessages(b, ['hello from A']);

      // Stop the hub; while it is down a message is written straight to the data dir.
      const port = server!.port;
      await server!.close();
      await waitUntil(
        async () => (await status(a)) !== 'live' && (await status(b)) !== 'live',
        WAIT,
        'both pages notice',
      );
      const offline = await createHub({ dataDir: dir, logLevel: 'silent' });
      await offline.collections!.insert('messages', {
        author: 'cron',
        name: 'Cron',
        text: 'written while the hub was down',
      });
      // A record of another shape, written past the schema: the board must still show everything else.
      await offline.collections!.store.insert('messages', { title: 'no text field here' });
      await offline.close();

      // B's network goes away before the hub is back; A sends while B is disconnected.
      await contextB.setOffline(true);
      server = await start(port);
      await waitUntil(async () => (await status(a)) === 'live', WAIT, 'A live again');
      await send(a, 'sent while B was offline');
      const expected = ['hello from A', 'written while the hub was down', 'sent while B was offline'];
      await expectMessages(a, expected);
      expect(await status(b)).not.toBe('live');
      await contextB.setOffline(false);
      await waitUntil(async () => (await status(b)) === 'live', WAIT, 'B live again');
      await expectMessages(b, expected);
      expect(await b.getByTestId('foreign-record').count()).toBe(1);

      // Edit and delete in A show up in B.
      const id = await a
        .locator('[data-testid=message]', { hasText: 'sent while B was offline' })
        .getAttribute('data-id', { timeout: WAIT });
      const mine = a.locator(`[data-testid=message][data-id="${id}"]`);
      await mine.getByTestId('edit').click();
      await mine.locator('textarea').fill('edited text');
      await mine.getByRole('button', { name: 'Save' }).click();
      await expectMessages(b, ['hello from A', 'written while the hub was down', 'edited text']);
      await b
        .locator('[data-testid=message]', { hasText: 'edited text' })
        .locator('.edited')
        .waitFor({ timeout: WAIT });
      await a.locator('[data-testid=message]', { hasText: 'hello from A' }).getByTestId('delete').click();
      await expectMessages(b, ['written while the hub was down', 'edited text']);
      await expectMessages(a, ['written while the hub was down', 'edited text']);
    } finally {
      await contextA.close();
      await contextB.close();
    }
  }, 90_000);

  it('ten tabs share one stream, all live; closing the leader hands over with nothing lost', async () => {
    await waitUntil(async () => (await connections()) === 0, WAIT, 'no streams left from the previous test');
    const context = await browser.newContext();
    try {
      const pages: Page[] = [];
      for (let i = 0; i < 10; i++) pages.push(await openApp(context, `Tab ${i}`));
      await waitUntil(async () => (await connections()) === 1, WAIT, 'one shared stream');

      const before = await texts(pages[0]!);
      await send(pages[3]!, 'to all ten tabs');
      for (const page of pages) await expectMessages(page, [...before, 'to all ten tabs']);
      expect(await connections()).toBe(1);

      const roles = await Promise.all(pages.map((p) => p.getByTestId('status').getAttribute('data-role')));
      expect(roles.filter((r) => r === 'leader')).toHaveLength(1);
      expect(roles.filter((r) => r === 'follower')).toHaveLength(9);
      const leader = pages[roles.indexOf('leader')]!;
      const rest = pages.filter((p) => p !== leader);

      // Close the leader and write at once: the message lands during the hand-over.
      await leader.close();
      const res = await fetch(`${server!.url}/collections/messages/records`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(await adminToken()) },
        body: JSON.stringify({ author: 'api', name: 'API', text: 'during the hand-over' }),
      });
      expect(res.status).toBe(201);
      await waitUntil(
        async () => {
          const now = await Promise.all(rest.map((p) => p.getByTestId('status').getAttribute('data-role')));
          return now.filter((r) => r === 'leader').length === 1;
        },
        WAIT,
        'a new leader',
      );
      await send(rest[0]!, 'after the hand-over');
      const expected = [...before, 'to all ten tabs', 'during the hand-over', 'after the hand-over'];
      for (const page of rest) await expectMessages(page, expected);
      await waitUntil(async () => (await connections()) === 1, WAIT, 'still one stream');
    } finally {
      await context.close();
    }
  }, 120_000);

  it('two guests edit only their own messages, enforced by the hub; a signed-out reader reads but cannot write', async () => {
    const [ctxA, ctxB, ctxReader] = [
      await browser.newContext(),
      await browser.newContext(),
      await browser.newContext(),
    ];
    try {
      const a = await openApp(ctxA, 'Ann');
      const b = await openApp(ctxB, 'Ben');
      const reader = await openApp(ctxReader);
      const before = await texts(a);
      await send(a, 'by Ann');
      await send(b, 'by Ben');
      for (const page of [a, b, reader]) await expectMessages(page, [...before, 'by Ann', 'by Ben']);

      // The UI offers editing only on one's own messages...
      const annId = await a.locator('[data-testid=message]', { hasText: 'by Ann' }).getAttribute('data-id');
      const benId = await b.locator('[data-testid=message]', { hasText: 'by Ben' }).getAttribute('data-id');
      expect(await b.locator(`[data-testid=message][data-id="${annId}"]`).getByTestId('edit').count()).toBe(0);
      expect(await a.locator(`[data-testid=message][data-id="${benId}"]`).getByTestId('edit').count()).toBe(0);
      expect(await a.locator(`[data-testid=message][data-id="${annId}"]`).getByTestId('edit').count()).toBe(1);
      expect(await reader.getByTestId('composer-text').isDisabled()).toBe(true);

      // ...but the hub is what refuses: the same requests sent from the pages, with their cookies.
      const attempt = (page: Page, method: string, path: string, body?: unknown) =>
        page.evaluate(
          async ({ method, path, body }) => {
            const res = await fetch(path, {
              method,
              credentials: 'same-origin',
              headers: { 'content-type': 'application/json' },
              ...(body === undefined ? {} : { body: JSON.stringify(body) }),
            });
            return { status: res.status, code: ((await res.json()) as { error?: { code: string } }).error?.code };
          },
          { method, path, body },
        );
      const annPath = `/collections/messages/records/${annId}`;
      expect(await attempt(b, 'PATCH', annPath, { text: 'Ben was here' })).toEqual({ status: 403, code: 'FORBIDDEN' });
      expect(await attempt(b, 'DELETE', annPath)).toEqual({ status: 403, code: 'FORBIDDEN' });
      // Writing as someone else: the author field must be the writer's own identity.
      const annSub = await a.evaluate(async () => ((await (await fetch('/auth/guest')).json()) as { sub: string }).sub);
      expect(
        await attempt(b, 'POST', '/collections/messages/records', { author: annSub, name: 'Ann', text: 'forged' }),
      ).toEqual({
        status: 403,
        code: 'FORBIDDEN',
      });
      expect(
        await attempt(reader, 'POST', '/collections/messages/records', { author: 'x', name: 'X', text: 'anon' }),
      ).toEqual({
        status: 401,
        code: 'TOKEN_MISSING',
      });
      expect((await attempt(a, 'PATCH', annPath, { text: 'by Ann, edited' })).status).toBe(200);
      for (const page of [a, b, reader]) await expectMessages(page, [...before, 'by Ann, edited', 'by Ben']);
      const stored = await (await fetch(`${server!.url}${annPath}`)).json();
      expect(stored.data.text).toBe('by Ann, edited');
    } finally {
      for (const context of [ctxA, ctxB, ctxReader]) await context.close();
    }
  }, 90_000);

  it('looks right on a phone-sized screen (test-results/app.png)', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 760 }, deviceScaleFactor: 2 });
    try {
      const page = await openApp(context, 'Ada');
      await send(page, 'Morning all! Standup moved to 10:30.');
      const otherContext = await browser.newContext();
      const other = await openApp(otherContext, 'Grace');
      await send(other, 'Thanks, see you there. Can someone share the agenda?');
      await otherContext.close();
      await page.locator('[data-testid=message]').last().waitFor({ timeout: WAIT });
      mkdirSync('test-results', { recursive: true });
      await page.screenshot({ path: 'test-results/app.png' });
      await page.setViewportSize({ width: 1100, height: 760 });
      await page.screenshot({ path: 'test-results/app-desktop.png' });
      expect(existsSync('test-results/app.png')).toBe(true);
    } finally {
      await context.close();
    }
  }, 60_000);
});
