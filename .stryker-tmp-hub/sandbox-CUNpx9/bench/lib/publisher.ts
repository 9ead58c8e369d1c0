// @ts-nocheck
import { Agent, request } from 'node:http';
import type { RunningPeer } from '../peers/peer.js';
import { nowMs, sleep } from './clock.js';

export interface PublishTotals {
  published: number;
  failed: number;
  errors: string[];
  startedAt: number;
  endedAt: number;
  /** Ids returned by the server, in publish order (only when `keepIds`). */
  ids: (string | undefined)[];
}

/** Event data: padding, then `@@` and the publish time in ms (what the load workers read). */
export function eventData(padding: string): string {
  return `${padding}@@${nowMs().toFixed(3)}`;
}

/** Publishes through a peer's own publish endpoint over a keep-alive agent. */
export class Publisher {
  readonly #peer: RunningPeer;
  readonly #agent: Agent;
  readonly #padding: string;

  constructor(peer: RunningPeer, options: { concurrency: number; payloadBytes: number }) {
    this.#peer = peer;
    this.#agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
    this.#padding = 'x'.repeat(Math.max(0, options.payloadBytes - 20));
  }

  /** Sends one event; resolves with the server's id (if it reports one) or throws on a non-2xx answer. */
  publish(topic: string): Promise<string | undefined> {
    const { path, contentType, body } = this.#peer.publishRequest(topic, eventData(this.#padding));
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.#peer.port,
          method: 'POST',
          path,
          agent: this.#agent,
          headers: { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), Accept: 'text/json' },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (part: string) => {
            text += part;
          });
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status < 200 || status >= 300) reject(new Error(`HTTP ${status}: ${text.slice(0, 200)}`));
            else {
              try {
                resolve(this.#peer.publishedId(status, text));
              } catch {
                resolve(undefined);
              }
            }
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /**
   * Publishes as fast as the server accepts: `concurrency` loops, each waiting for
   * its previous publish, until `maxEvents` or `durationMs`.
   */
  async flood(options: {
    topicOf: (i: number) => string;
    maxEvents: number;
    durationMs: number;
    concurrency: number;
    keepIds?: boolean;
  }): Promise<PublishTotals> {
    const totals = newTotals();
    const deadline = totals.startedAt + options.durationMs;
    let next = 0;
    const lane = async () => {
      while (next < options.maxEvents && nowMs() < deadline) {
        const i = next++;
        await this.#count(totals, options.topicOf(i), options.keepIds ? i : undefined);
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, lane));
    totals.endedAt = nowMs();
    return totals;
  }

  /** Publishes `eventsPerSecond` on a fixed schedule for `durationMs` (late sends are not skipped). */
  async atRate(options: {
    topicOf: (i: number) => string;
    eventsPerSecond: number;
    durationMs: number;
  }): Promise<PublishTotals> {
    const totals = newTotals();
    const count = Math.max(1, Math.round((options.eventsPerSecond * options.durationMs) / 1000));
    const interval = 1000 / options.eventsPerSecond;
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const wait = totals.startedAt + i * interval - nowMs();
      if (wait > 1) await sleep(wait);
      inFlight.push(this.#count(totals, options.topicOf(i)));
    }
    await Promise.all(inFlight);
    totals.endedAt = nowMs();
    return totals;
  }

  async #count(totals: PublishTotals, topic: string, idSlot?: number): Promise<void> {
    try {
      const id = await this.publish(topic);
      totals.published++;
      if (idSlot !== undefined) totals.ids[idSlot] = id;
    } catch (err) {
      totals.failed++;
      if (totals.errors.length < 5) totals.errors.push((err as Error).message);
    }
  }

  close(): void {
    this.#agent.destroy();
  }
}

function newTotals(): PublishTotals {
  return { published: 0, failed: 0, errors: [], startedAt: nowMs(), endedAt: 0, ids: [] };
}
