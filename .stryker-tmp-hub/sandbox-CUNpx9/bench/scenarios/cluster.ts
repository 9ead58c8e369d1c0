// @ts-nocheck
import { execFileSync } from 'node:child_process';
import type { RunContext } from '../lib/run-context.js';
import { emptyResult, type RunResult } from '../lib/run-result.js';
import { fanOut } from './fan-out.js';

/**
 * Two ssehub nodes on one Redis, the N streams spread over both, publishes to
 * the first as fast as it accepts (like saturation): every event crosses Redis
 * to reach half of the streams. Skipped when dist/ has no `serve --redis`.
 */
export async function cluster(ctx: RunContext): Promise<RunResult> {
  const help = execFileSync(process.execPath, ['dist/cli/main.js', 'serve', '--help'], { encoding: 'utf8' });
  if (!help.includes('--redis')) {
    return { ...emptyResult('cluster', ctx.peerDef.name), skipped: '`ssehub serve --redis` is not available' };
  }
  const { connections, events, durationMs, publishers } = ctx.options;
  return fanOut(ctx, 'cluster', {
    paths: (peer) => Array.from({ length: connections }, () => peer.streamPath('bench')),
    expected: (published, open) => published * open,
    concurrency: publishers,
    publish: (publisher) =>
      publisher.flood({ topicOf: () => 'bench', maxEvents: events, durationMs, concurrency: publishers }),
  });
}
