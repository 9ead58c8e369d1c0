// @ts-nocheck
import type { RunContext } from '../lib/run-context.js';
import type { RunResult } from '../lib/run-result.js';
import { fanOut } from './fan-out.js';

/** N streams on one topic at a fixed total delivery rate (default 50,000/s), for latency. */
export function steady(ctx: RunContext): Promise<RunResult> {
  const { connections, rate, steadyDurationMs } = ctx.options;
  const eventsPerSecond = rate / connections;
  return fanOut(ctx, 'steady', {
    paths: (peer) => Array.from({ length: connections }, () => peer.streamPath('bench')),
    expected: (published, open) => published * open,
    concurrency: 16,
    publish: (publisher) => publisher.atRate({ topicOf: () => 'bench', eventsPerSecond, durationMs: steadyDurationMs }),
  });
}
