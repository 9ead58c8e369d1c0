// @ts-nocheck
import type { RunResult } from './run-result.js';

/** The number a scenario is judged by, used to pick the median of repeated runs. */
const METRIC: Record<string, [label: string, value: (r: RunResult) => number]> = {
  saturation: ['deliveries/s', (r) => r.deliveredPerSec],
  'many-topics': ['deliveries/s', (r) => r.deliveredPerSec],
  cluster: ['deliveries/s', (r) => r.deliveredPerSec],
  steady: ['p99 ms', (r) => r.latencyMs?.p99 ?? Number.POSITIVE_INFINITY],
  idle: ['KB/conn', (r) => r.rssPerConnKB],
  resume: ['all caught up ms', (r) => r.caughtUpMs ?? Number.POSITIVE_INFINITY],
};

/**
 * Of several runs of one server in one scenario, the run with the median value
 * of the scenario's metric, with the spread noted. Failed runs count as worst.
 */
export function medianRun(scenario: string, runs: readonly RunResult[]): RunResult {
  const done = runs.filter((r) => !r.skipped);
  if (done.length === 0 || runs.length === 1) return runs[0] as RunResult;
  const [label, value] = METRIC[scenario] ?? (METRIC.saturation as [string, (r: RunResult) => number]);
  const sorted = [...done].sort((a, b) => value(a) - value(b));
  const median = sorted[Math.floor((sorted.length - 1) / 2)] as RunResult;
  const values = runs.map((r) =>
    r.skipped ? 'failed' : value(r).toLocaleString('en-US', { maximumFractionDigits: 2 }),
  );
  const lossInRepeats = done.reduce((sum, r) => sum + r.loss, 0);
  const notes = [...median.notes, `median of ${runs.length} runs by ${label} (${values.join(', ')})`];
  if (lossInRepeats > median.loss) notes.push(`loss over all ${runs.length} runs: ${lossInRepeats}`);
  return { ...median, lossInRepeats, notes };
}
