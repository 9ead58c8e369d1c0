import { execFileSync } from 'node:child_process';
import type { RunContext } from '../lib/run-context.js';
import { emptyResult, type RunResult } from '../lib/run-result.js';

/**
 * Hook for the cluster scenario: two ssehub nodes sharing Redis, the streams
 * spread over both, publishes to one. Runs only once `ssehub serve --redis`
 * exists in dist/; until then it reports itself as skipped.
 */
export async function cluster(ctx: RunContext): Promise<RunResult> {
  const result = emptyResult('cluster', ctx.peerDef.name);
  const help = execFileSync(process.execPath, ['dist/cli/main.js', 'serve', '--help'], { encoding: 'utf8' });
  if (!help.includes('--redis')) {
    result.skipped = '`ssehub serve --redis` is not available yet';
    return result;
  }
  result.skipped = 'cluster scenario not implemented yet (see docs/benchmarks.md)';
  return result;
}
