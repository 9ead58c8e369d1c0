// @ts-nocheck
import type { RunContext } from '../lib/run-context.js';
import type { RunResult } from '../lib/run-result.js';
import { fanOut } from './fan-out.js';

/** N streams, each on its own topic; publishes go round robin over the topics. */
export function manyTopics(ctx: RunContext): Promise<RunResult> {
  const { connections, topicEvents, durationMs, publishers } = ctx.options;
  return fanOut(ctx, 'many-topics', {
    paths: (peer) => Array.from({ length: connections }, (_, i) => peer.streamPath(`t${i}`)),
    // Every publish reaches exactly one stream (when all streams opened).
    expected: (published, open) => (open === connections ? published : Math.round((published * open) / connections)),
    concurrency: publishers,
    publish: (publisher) =>
      publisher.flood({
        topicOf: (i) => `t${i % connections}`,
        maxEvents: topicEvents,
        durationMs,
        concurrency: publishers,
      }),
  });
}
