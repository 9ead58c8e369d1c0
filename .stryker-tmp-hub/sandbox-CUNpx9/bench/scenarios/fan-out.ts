// @ts-nocheck
import type { PoolStats } from '../lib/client-pool.js';
import { nowMs, sleep } from '../lib/clock.js';
import { Publisher, type PublishTotals } from '../lib/publisher.js';
import { latencyOf, type RunContext, round } from '../lib/run-context.js';
import { emptyResult, type RunResult } from '../lib/run-result.js';
import type { RunningPeer } from '../peers/peer.js';

/**
 * The shape shared by the traffic scenarios: open the streams, publish, wait
 * until every expected delivery arrived (or delivery stalls), then measure.
 */
export async function fanOut(
  ctx: RunContext,
  scenario: string,
  setup: {
    paths: (peer: RunningPeer) => string[];
    /** Deliveries expected for `published` publishes on `open` streams. */
    expected: (published: number, open: number) => number;
    publish: (publisher: Publisher) => Promise<PublishTotals>;
    concurrency: number;
  },
): Promise<RunResult> {
  const result = emptyResult(scenario, ctx.peerDef.name);
  const peer = await ctx.startPeer();
  try {
    const opened = await ctx.open({ paths: setup.paths(peer) });
    Object.assign(result, {
      connections: opened.open,
      connectFailed: opened.failed,
      connectMs: round(opened.connectMs, 0),
    });
    if (opened.errors.length > 0) result.notes.push(`connect errors: ${opened.errors.join(', ')}`);
    await sleep(500);
    await ctx.pool.reset();
    const publisher = new Publisher(peer, { concurrency: setup.concurrency, payloadBytes: ctx.options.payloadBytes });
    ctx.markCpu();
    const totals = await setup.publish(publisher);
    publisher.close();
    const expected = setup.expected(totals.published, opened.open);
    const stats: PoolStats = await ctx.waitFor((s) => s.events >= expected);
    ctx.recordResources(result, opened.open);
    const windowMs = (stats.lastEventAt || nowMs()) - totals.startedAt;
    Object.assign(result, {
      published: totals.published,
      publishFailed: totals.failed,
      expected,
      delivered: stats.events,
      loss: Math.max(0, expected - stats.events),
      closedEarly: stats.closedEarly,
      durationS: round(windowMs / 1000, 2),
      deliveredPerSec: round(stats.events / (windowMs / 1000), 0),
      latencyMs: latencyOf(stats),
    });
    if (stats.events > expected) result.notes.push(`${stats.events - expected} deliveries more than expected`);
    if (totals.errors.length > 0) result.notes.push(`publish errors: ${totals.errors.join('; ')}`);
    result.notes.push(`publish rate ${round(totals.published / ((totals.endedAt - totals.startedAt) / 1000), 0)}/s`);
    return result;
  } finally {
    await ctx.stopPeer();
  }
}
