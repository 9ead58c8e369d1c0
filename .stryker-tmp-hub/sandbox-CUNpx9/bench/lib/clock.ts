// @ts-nocheck
import { performance } from 'node:perf_hooks';

/**
 * Wall-clock milliseconds with sub-millisecond precision, comparable across
 * the harness's processes on one machine (each derives it from its own
 * `timeOrigin`, captured from the system clock at start).
 */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
