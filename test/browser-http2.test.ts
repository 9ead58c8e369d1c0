/**
 * A browser over HTTPS with HTTP/2: many EventSources share one connection
 * (HTTP/1.1 would allow Chromium six per host) and every one of them receives.
 */
import type { Http2ServerRequest, Http2Session } from 'node:http2';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from './support/chromium.js';
import { startHub } from './support/hub-server.js';
import { type SelfSignedCert, selfSignedCert } from './support/tls-cert.js';

if (!hasChromium && process.env.CI) throw new Error('Chromium (/usr/bin/chromium) is required when CI is set');

const STREAMS = 40;

let tls: SelfSignedCert;
let hub: Awaited<ReturnType<typeof startHub>>;
let browser: Browser;

beforeAll(async () => {
  if (!hasChromium) return;
  tls = selfSignedCert();
  hub = await startHub({ tlsCert: tls.cert, tlsKey: tls.key });
  browser = await launchChromium();
}, 30_000);
afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  tls?.remove();
});

describe.skipIf(!hasChromium)('Chromium over HTTPS', () => {
  it(`opens ${STREAMS} EventSource streams on one HTTP/2 connection and each receives every event`, async () => {
    const sessions = new Set<Http2Session>();
    hub.server.on('request', (req: Http2ServerRequest) => {
      if (req.url.startsWith('/events')) sessions.add(req.stream.session as Http2Session);
    });
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const page = await context.newPage();
      const origin = hub.url.replace('127.0.0.1', 'localhost');
      await page.goto(`${origin}/healthz`);
      await page.evaluate((count) => {
        const w = window as unknown as { received: string[][]; open: number };
        w.received = [];
        w.open = 0;
        for (let i = 0; i < count; i++) {
          const got: string[] = [];
          w.received.push(got);
          const source = new EventSource(`/events?topic=room/${i % 4}&topic=all`);
          source.onopen = () => {
            w.open++;
          };
          source.onmessage = (e) => got.push(e.data);
        }
      }, STREAMS);
      await page.waitForFunction((count) => (window as unknown as { open: number }).open === count, STREAMS, {
        timeout: 15_000,
      });
      // Published from the page: the same connection carries the writes too.
      await page.evaluate(async () => {
        const post = (topic: string, data: string) =>
          fetch('/publish', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ topic, data }),
          });
        for (let room = 0; room < 4; room++) await post(`room/${room}`, `hello ${room}`);
        await post('all', 'end');
      });
      await page.waitForFunction(
        () => (window as unknown as { received: string[][] }).received.every((got) => got.includes('end')),
        undefined,
        { timeout: 15_000 },
      );
      const received = await page.evaluate(() => (window as unknown as { received: string[][] }).received);
      received.forEach((got, i) => {
        expect(got).toEqual([`hello ${i % 4}`, 'end']);
      });
      const protocols = await page.evaluate(() =>
        performance
          .getEntries()
          .map((e) => (e as PerformanceResourceTiming).nextHopProtocol)
          .filter((p) => p !== undefined),
      );
      expect(protocols.length).toBeGreaterThan(0);
      expect(new Set(protocols)).toEqual(new Set(['h2']));
      expect(sessions.size).toBe(1);
    } finally {
      await context.close();
    }
  });
});
