import type { RunContext } from '../lib/run-context.js';
import type { RunResult } from '../lib/run-result.js';
import { fanOut } from './fan-out.js';

/**
 * N streams spread over T topics (`--topics`, default one per stream); publishes
 * go round robin over the topics, one event per `POST /publish`.
 */
export function manyTopics(ctx: RunContext): Promise<RunResult> {
  const { connections, topicEvents, durationMs, publishers } = ctx.options;
  const topics = Math.min(connections, ctx.options.topics || connections);
  return fanOut(ctx, 'many-topics', {
    paths: (peer) => Array.from({ length: connections }, (_, i) => peer.streamPath(`t${i % topics}`)),
    // Every publish reaches the streams of its topic: connections / topics of them when all opened.
    expected: (published, open) =>
      open === connections ? (published * connections) / topics : Math.round((published * open) / topics),
    concurrency: publishers,
    publish: (publisher) =>
      publisher.flood({
        topicOf: (i) => `t${i % topics}`,
        maxEvents: topicEvents,
        durationMs,
        concurrency: publishers,
      }),
  });
}
