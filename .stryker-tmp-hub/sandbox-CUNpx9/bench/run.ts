/**
 * `npm run bench`: the fan-out benchmark of ssehub side by side with
 * nginx+nchan, better-sse and the seed-style Express server. See docs/benchmarks.md.
 */
// @ts-nocheck

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClientPool } from './lib/client-pool.js';
import { machineInfo } from './lib/machine.js';
import { medianRun } from './lib/median-run.js';
import { type BenchOptions, parseOptions, USAGE } from './lib/options.js';
import { markdownReport, scenarioTable } from './lib/report.js';
import { RunContext } from './lib/run-context.js';
import { emptyResult, type RunResult } from './lib/run-result.js';
import { nchanPeer } from './peers/nchan.js';
import { betterSsePeer, expressSeedPeer } from './peers/node-peer.js';
import type { PeerDefinition } from './peers/peer.js';
import { ssehubPeer } from './peers/ssehub.js';
import { ssehubClusterPeer } from './peers/ssehub-cluster.js';
import { cluster } from './scenarios/cluster.js';
import { idle } from './scenarios/idle.js';
import { manyTopics } from './scenarios/many-topics.js';
import { resumeStorm } from './scenarios/resume-storm.js';
import { ruleFanOut } from './scenarios/rule-fan-out.js';
import { saturation } from './scenarios/saturation.js';
import { steady } from './scenarios/steady.js';

const PEERS: Record<string, PeerDefinition> = {
  ssehub: ssehubPeer,
  nchan: nchanPeer,
  'better-sse': betterSsePeer,
  'express-seed': expressSeedPeer,
};

const SCENARIOS: Record<string, (ctx: RunContext) => Promise<RunResult>> = {
  saturation,
  steady,
  idle,
  resume: resumeStorm,
  'many-topics': manyTopics,
  cluster,
  rules: ruleFanOut,
};

function stampNow(): string {
  const d = new Date();
  const p = (v: number) => String(v).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}${p(d.getMinutes())}`;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function runOne(options: BenchOptions, pool: ClientPool, scenario: string, server: string): Promise<RunResult> {
  const peerDef = scenario === 'cluster' ? ssehubClusterPeer : (PEERS[server] as PeerDefinition);
  const started = Date.now();
  try {
    const result = await (SCENARIOS[scenario] as (ctx: RunContext) => Promise<RunResult>)(
      new RunContext(options, pool, peerDef),
    );
    log(`  ${server}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  } catch (err) {
    log(`  ${server}: failed: ${(err as Error).stack ?? err}`);
    return { ...emptyResult(scenario, server), skipped: `failed: ${(err as Error).message}` };
  }
}

async function main(): Promise<void> {
  const parsed = parseOptions(process.argv.slice(2));
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const options = parsed;
  if (options.build) {
    try {
      execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
    } catch {
      log('bench: `npm run build` failed; benchmarking the existing dist/ (pass --no-build to skip the build)');
    }
  }
  const machine = machineInfo();
  const stamp = stampNow();
  const command = ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
  mkdirSync(options.outDir, { recursive: true });
  const pool = await ClientPool.start(options.workers);
  const all: RunResult[] = [];
  const startedAt = Date.now();
  try {
    for (const scenario of options.scenarios) {
      log(`bench: ${scenario}`);
      // The cluster and rules scenarios have one subject: ssehub (on two nodes; with collection rules).
      const servers =
        scenario === 'cluster' || scenario === 'rules'
          ? options.servers.filter((s) => s === 'ssehub')
          : options.servers;
      // Repeats go round the servers, so noise from the machine spreads over all of them.
      const runs: RunResult[][] = servers.map(() => []);
      for (let round = 0; round < options.repeat; round++) {
        for (const [i, server] of servers.entries()) runs[i]?.push(await runOne(options, pool, scenario, server));
      }
      const results = runs.map((list) => medianRun(scenario, list));
      all.push(...results);
      writeFileSync(
        join(options.outDir, `${stamp}-${scenario}.json`),
        `${JSON.stringify({ stamp, scenario, machine, command, options, results, runs: options.repeat > 1 ? runs : undefined }, null, 2)}\n`,
      );
      log(`\n${scenarioTable(scenario, results)}\n`);
    }
  } finally {
    await pool.stop();
  }
  const markdown = markdownReport(stamp, machine, options, command, all);
  writeFileSync(join(options.outDir, `${stamp}.md`), markdown);
  writeFileSync(join(options.outDir, 'latest.md'), markdown);
  log(
    `bench: finished in ${((Date.now() - startedAt) / 1000).toFixed(0)} s; wrote ${join(options.outDir, `${stamp}.md`)}`,
  );
}

main().catch((err) => {
  log(`bench: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
