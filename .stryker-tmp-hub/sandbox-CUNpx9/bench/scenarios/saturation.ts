// @ts-nocheck
import type { RunContext } from '../lib/run-context.js';
import type { RunResult } from '../lib/run-result.js';
import { fanOut } from './fan-out.js';

/** N streams on one topic; several publishers send as fast as the server accepts. */
export function saturation(ctx: RunContext): Promise<RunResult> {
  const { connections, events, durationMs, publishers } = ctx.options;
  return fanOut(ctx, 'saturation', {
    paths: (peer) => Array.from({ length: connections }, () => peer.streamPath('bench')),
    expected: (published, open) => published * open,
    concurrency: publishers,
    publish: (publisher) =>
      publisher.flood({ topicOf: () => 'bench', maxEvents: events, durationMs, concurrency: publishers }),
  });
}
