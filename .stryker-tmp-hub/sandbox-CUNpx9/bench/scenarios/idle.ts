// @ts-nocheck
import { sleep } from '../lib/clock.js';
import { type RunContext, round } from '../lib/run-context.js';
import { emptyResult, type RunResult } from '../lib/run-result.js';

/** As many streams as the server's fd limit allows, no traffic: RSS per connection. */
export async function idle(ctx: RunContext): Promise<RunResult> {
  const result = emptyResult('idle', ctx.peerDef.name);
  const peer = await ctx.startPeer();
  try {
    const count = ctx.options.idleConnections;
    ctx.markCpu();
    const opened = await ctx.open({
      paths: Array.from({ length: count }, (_, i) => peer.streamPath(`idle${i % 100}`)),
    });
    Object.assign(result, {
      connections: opened.open,
      connectFailed: opened.failed,
      connectMs: round(opened.connectMs, 0),
    });
    if (opened.errors.length > 0) result.notes.push(`connect errors: ${opened.errors.join(', ')}`);
    // Let allocations settle (and a GC run) before reading RSS.
    await sleep(3_000);
    ctx.recordResources(result, opened.open);
    result.closedEarly = (await ctx.pool.stats()).closedEarly;
    return result;
  } finally {
    await ctx.stopPeer();
  }
}
