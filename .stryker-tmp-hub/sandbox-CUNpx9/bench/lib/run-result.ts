/** One server's numbers in one scenario (what the JSON and markdown tables hold). */
// @ts-nocheck

export interface RunResult {
  scenario: string;
  server: string;
  /** Why the run did not happen (e.g. the server cannot resume). */
  skipped?: string;
  connections: number;
  connectFailed: number;
  connectMs: number;
  published: number;
  publishFailed: number;
  expected: number;
  delivered: number;
  loss: number;
  /** With --repeat: the loss summed over every run (the row shows the median run). */
  lossInRepeats?: number;
  /** Streams the server closed during the run. */
  closedEarly: number;
  /** From the first publish to the last delivery, in seconds. */
  durationS: number;
  deliveredPerSec: number;
  latencyMs: { p50: number | null; p99: number | null; max: number | null } | null;
  /** Resume storm: from the first reconnect to the last client caught up. */
  caughtUpMs?: number;
  rssIdleMB: number;
  rssLoadedMB: number;
  rssPerConnKB: number;
  /** CPU seconds of the server's process tree during the measured phase. */
  serverCpuS: number;
  /** CPU seconds of the load workers and the publisher during the measured phase. */
  loadgenCpuS: number;
  /** The rest of the machine's busy CPU seconds in the same window (other processes, uncharged kernel work). */
  otherCpuS: number;
  notes: string[];
}

export function emptyResult(scenario: string, server: string): RunResult {
  return {
    scenario,
    server,
    connections: 0,
    connectFailed: 0,
    connectMs: 0,
    published: 0,
    publishFailed: 0,
    expected: 0,
    delivered: 0,
    loss: 0,
    closedEarly: 0,
    durationS: 0,
    deliveredPerSec: 0,
    latencyMs: null,
    rssIdleMB: 0,
    rssLoadedMB: 0,
    rssPerConnKB: 0,
    serverCpuS: 0,
    loadgenCpuS: 0,
    otherCpuS: 0,
    notes: [],
  };
}
