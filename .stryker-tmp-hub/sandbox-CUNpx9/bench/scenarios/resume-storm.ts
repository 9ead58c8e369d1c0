// @ts-nocheck
import { nowMs, sleep } from '../lib/clock.js';
import { Publisher } from '../lib/publisher.js';
import { type RunContext, round } from '../lib/run-context.js';
import { emptyResult, type RunResult } from '../lib/run-result.js';

/**
 * N clients that each last saw an event K events back reconnect at once with
 * `Last-Event-ID`; measured until every one of them has all K events.
 */
export async function resumeStorm(ctx: RunContext): Promise<RunResult> {
  const result = emptyResult('resume', ctx.peerDef.name);
  if (!ctx.peerDef.supportsResume) {
    result.skipped = 'no resume from Last-Event-ID';
    return result;
  }
  const { connections, resumeBacklog } = ctx.options;
  const peer = await ctx.startPeer();
  try {
    const publisher = new Publisher(peer, { concurrency: 8, payloadBytes: ctx.options.payloadBytes });
    const lastSeen = await publisher.publish('bench');
    if (!lastSeen) throw new Error(`${peer.name} did not report the id of a published event`);
    const backlog = await publisher.flood({
      topicOf: () => 'bench',
      maxEvents: resumeBacklog,
      durationMs: 60_000,
      concurrency: 1, // in order, so the K events after lastSeen are exactly these
    });
    publisher.close();
    await sleep(500);
    const header = peer.resumeHeader(lastSeen) as string;
    ctx.markCpu();
    const startedAt = nowMs();
    const opened = await ctx.open({
      paths: Array.from({ length: connections }, () => peer.streamPath('bench')),
      headers: Array.from({ length: connections }, () => header),
      concurrency: ctx.options.resumeConcurrency,
      target: backlog.published,
      latency: false,
    });
    const stats = await ctx.waitFor((s) => s.reached >= opened.open);
    ctx.recordResources(result, opened.open);
    const expected = backlog.published * opened.open;
    Object.assign(result, {
      connections: opened.open,
      connectFailed: opened.failed,
      connectMs: round(opened.connectMs, 0),
      published: backlog.published,
      publishFailed: backlog.failed,
      expected,
      delivered: stats.events,
      loss: Math.max(0, expected - stats.events),
      closedEarly: stats.closedEarly,
      durationS: round((stats.lastEventAt - startedAt) / 1000, 2),
      deliveredPerSec: round(stats.events / ((stats.lastEventAt - startedAt) / 1000), 0),
      caughtUpMs: stats.reached >= opened.open ? round(stats.lastReachedAt - startedAt, 0) : undefined,
    });
    if (stats.reached < opened.open) result.notes.push(`only ${stats.reached} of ${opened.open} clients caught up`);
    if (stats.events > expected) result.notes.push(`${stats.events - expected} deliveries more than expected`);
    if (opened.errors.length > 0) result.notes.push(`connect errors: ${opened.errors.join(', ')}`);
    return result;
  } finally {
    await ctx.stopPeer();
  }
}
