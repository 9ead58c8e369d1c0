// @ts-nocheck
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerDefinition, RunningPeer } from '../peers/peer.js';
import type { ClientPool, OpenOptions, OpenResult, PoolStats } from './client-pool.js';
import { nowMs, sleep } from './clock.js';
import type { BenchOptions } from './options.js';
import { machineBusySeconds, processTree, sample } from './proc-stats.js';
import type { RunResult } from './run-result.js';

const MB = 1024 * 1024;

/** What a scenario gets: the options, the load workers and one peer to start. */
export class RunContext {
  readonly options: BenchOptions;
  readonly pool: ClientPool;
  readonly peerDef: PeerDefinition;
  peer!: RunningPeer;
  #tmpDir = '';
  #baselineRss = 0;
  #cpuMark = { server: 0, loadgen: 0, machine: 0 };

  constructor(options: BenchOptions, pool: ClientPool, peerDef: PeerDefinition) {
    this.options = options;
    this.pool = pool;
    this.peerDef = peerDef;
  }

  /** Starts the peer fresh and records its idle RSS baseline. */
  async startPeer(): Promise<RunningPeer> {
    this.#tmpDir = mkdtempSync(join(tmpdir(), `ssehub-bench-${this.peerDef.name}-`));
    let cpuProfileDir: string | undefined;
    if (this.options.cpuProf) {
      cpuProfileDir = join(this.options.outDir, 'profiles');
      mkdirSync(cpuProfileDir, { recursive: true });
    }
    this.peer = await this.peerDef.start({ tmpDir: this.#tmpDir, cpuProfileDir });
    await sleep(500);
    this.#baselineRss = this.serverSample().rssBytes;
    return this.peer;
  }

  async stopPeer(): Promise<void> {
    await this.pool.closeStreams();
    await this.peer?.stop();
    if (this.#tmpDir && !process.env.BENCH_KEEP_TMP) rmSync(this.#tmpDir, { recursive: true, force: true });
  }

  serverSample() {
    return sample([this.peer.pid, ...(this.peer.otherPids ?? [])].flatMap(processTree));
  }

  loadgenCpu(): number {
    const own = process.cpuUsage();
    return sample(this.pool.pids).cpuSeconds + (own.user + own.system) / 1e6;
  }

  /** Starts the CPU accounting window of the measured phase. */
  markCpu(): void {
    this.#cpuMark = {
      server: this.serverSample().cpuSeconds,
      loadgen: this.loadgenCpu(),
      machine: machineBusySeconds(),
    };
  }

  /** Fills memory and CPU fields: RSS now, RSS per connection above the idle baseline, CPU since markCpu. */
  recordResources(result: RunResult, connections: number): void {
    const now = this.serverSample();
    result.rssIdleMB = round(this.#baselineRss / MB, 1);
    result.rssLoadedMB = round(now.rssBytes / MB, 1);
    result.rssPerConnKB = connections > 0 ? round((now.rssBytes - this.#baselineRss) / connections / 1024, 2) : 0;
    result.serverCpuS = round(now.cpuSeconds - this.#cpuMark.server, 2);
    result.loadgenCpuS = round(this.loadgenCpu() - this.#cpuMark.loadgen, 2);
    const busy = machineBusySeconds() - this.#cpuMark.machine;
    // Kernel work not charged to a process (loopback softirq) and everything else running.
    result.otherCpuS = round(Math.max(0, busy - result.serverCpuS - result.loadgenCpuS), 2);
  }

  async open(options: Omit<OpenOptions, 'ports' | 'hosts'>): Promise<OpenResult> {
    return this.pool.open({
      ports: [...(this.peer.streamPorts ?? [this.peer.port])],
      hosts: this.options.hosts,
      concurrency: this.options.connectConcurrency,
      ...options,
    });
  }

  /**
   * Polls the workers until `done(stats)` holds, no event has arrived for
   * `stallMs`, or the drain timeout passes.
   */
  async waitFor(done: (stats: PoolStats) => boolean, stallMs = 5_000): Promise<PoolStats> {
    const deadline = nowMs() + this.options.drainTimeoutMs;
    let last = -1;
    let lastChange = nowMs();
    for (;;) {
      const stats = await this.pool.stats();
      if (done(stats)) return stats;
      const now = nowMs();
      if (stats.events !== last) {
        last = stats.events;
        lastChange = now;
      }
      if (now - lastChange > stallMs || now > deadline) return stats;
      await sleep(200);
    }
  }
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function latencyOf(stats: PoolStats): RunResult['latencyMs'] {
  const h = stats.histogram;
  if (h.total === 0) return null;
  return { p50: h.percentile(50), p99: h.percentile(99), max: round(h.max, 2) };
}
