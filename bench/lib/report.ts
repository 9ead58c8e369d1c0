import type { MachineInfo } from './machine.js';
import type { BenchOptions } from './options.js';
import type { RunResult } from './run-result.js';

const TITLES: Record<string, string> = {
  saturation: 'Saturation: N streams on one topic, publishing as fast as the server accepts',
  steady: 'Steady load: N streams on one topic at a fixed delivery rate',
  idle: 'Idle memory: as many streams as the fd limit allows, no traffic',
  resume: 'Resume storm: N clients reconnect at once with a Last-Event-ID K events back',
  'many-topics': 'Many topics: N streams, each on its own topic',
  cluster: 'Cluster: two ssehub nodes on Redis',
  rules: 'Rule-filtered fan-out: N live streams, N/10 identities, read rule vs unrestricted (in-process)',
};

type Column = [header: string, cell: (r: RunResult) => string];

const n = (v: number | null | undefined, digits = 0): string =>
  v === null || v === undefined || Number.isNaN(v) ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: digits });
const lat = (r: RunResult, key: 'p50' | 'p99' | 'max') => n(r.latencyMs?.[key] ?? null, 2);

const COMMON_HEAD: Column[] = [
  ['server', (r) => r.server],
  ['conns', (r) => n(r.connections)],
  ['connect ms', (r) => n(r.connectMs)],
];
const DELIVERY: Column[] = [
  ['published', (r) => n(r.published)],
  ['expected', (r) => n(r.expected)],
  ['delivered', (r) => n(r.delivered)],
  ['loss', (r) => n(r.loss)],
  ['deliveries/s', (r) => n(r.deliveredPerSec)],
];
const LATENCY: Column[] = [
  ['p50 ms', (r) => lat(r, 'p50')],
  ['p99 ms', (r) => lat(r, 'p99')],
  ['max ms', (r) => lat(r, 'max')],
];
const RESOURCES: Column[] = [
  ['RSS MB', (r) => n(r.rssLoadedMB, 1)],
  ['KB/conn', (r) => n(r.rssPerConnKB, 1)],
  ['server CPU s', (r) => n(r.serverCpuS, 1)],
  ['loadgen CPU s', (r) => n(r.loadgenCpuS, 1)],
  ['other CPU s', (r) => n(r.otherCpuS, 1)],
];

const COLUMNS: Record<string, Column[]> = {
  saturation: [...COMMON_HEAD, ...DELIVERY, ...LATENCY, ...RESOURCES],
  steady: [...COMMON_HEAD, ...DELIVERY, ...LATENCY, ...RESOURCES],
  'many-topics': [...COMMON_HEAD, ...DELIVERY, ...LATENCY, ...RESOURCES],
  idle: [
    ...COMMON_HEAD,
    ['idle RSS MB', (r) => n(r.rssIdleMB, 1)],
    ['RSS MB', (r) => n(r.rssLoadedMB, 1)],
    ['KB/conn', (r) => n(r.rssPerConnKB, 2)],
    ['server CPU s', (r) => n(r.serverCpuS, 1)],
  ],
  resume: [
    ...COMMON_HEAD,
    ['backlog', (r) => n(r.published)],
    ['expected', (r) => n(r.expected)],
    ['delivered', (r) => n(r.delivered)],
    ['loss', (r) => n(r.loss)],
    ['all caught up ms', (r) => n(r.caughtUpMs ?? null)],
    ['deliveries/s', (r) => n(r.deliveredPerSec)],
    ...RESOURCES,
  ],
};

export function scenarioTable(scenario: string, results: readonly RunResult[]): string {
  const columns = COLUMNS[scenario] ?? [...COMMON_HEAD, ...DELIVERY, ...LATENCY, ...RESOURCES];
  const lines = [
    `| ${columns.map(([h]) => h).join(' | ')} |`,
    `|${columns.map(([h], i) => (i === 0 ? '---' : `${'-'.repeat(Math.max(3, h.length - 1))}:`)).join('|')}|`,
  ];
  const notes: string[] = [];
  for (const r of results) {
    if (r.skipped) {
      lines.push(
        `| ${r.server} | ${columns
          .slice(1)
          .map(() => '–')
          .join(' | ')} |`,
      );
      notes.push(`${r.server}: skipped (${r.skipped})`);
      continue;
    }
    lines.push(`| ${columns.map(([, cell]) => cell(r)).join(' | ')} |`);
    if (r.notes.length > 0) notes.push(`${r.server}: ${r.notes.join('; ')}`);
  }
  return [lines.join('\n'), ...(notes.length > 0 ? ['', ...notes.map((note) => `- ${note}`)] : [])].join('\n');
}

/** The target checks of issue 4, as measured ratios. */
export function targets(results: readonly RunResult[]): string[] {
  const find = (scenario: string, server: string) =>
    results.find((r) => r.scenario === scenario && r.server === server && !r.skipped);
  const lines: string[] = [];
  const satHub = find('saturation', 'ssehub');
  const satNchan = find('saturation', 'nchan');
  if (satHub && satNchan) {
    const ratio = satHub.deliveredPerSec / satNchan.deliveredPerSec;
    lines.push(
      `saturation: ssehub ${n(ratio, 2)}× nchan's deliveries/s (target ≥ 2×) — ${ratio >= 2 ? 'met' : 'missed'}`,
    );
  }
  const stHub = find('steady', 'ssehub');
  const stNchan = find('steady', 'nchan');
  if (stHub?.latencyMs?.p99 && stNchan?.latencyMs?.p99) {
    const ratio = stHub.latencyMs.p99 / stNchan.latencyMs.p99;
    lines.push(`steady p99: ssehub ${n(ratio, 2)}× nchan's (target ≤ 0.5×) — ${ratio <= 0.5 ? 'met' : 'missed'}`);
  }
  const idleHub = find('idle', 'ssehub');
  if (idleHub) {
    lines.push(
      `idle: ssehub ${n(idleHub.rssPerConnKB, 1)} KB RSS per connection (target ≤ 10 KB) — ${idleHub.rssPerConnKB <= 10 ? 'met' : 'missed'}`,
    );
  }
  const resumeHub = find('resume', 'ssehub');
  if (resumeHub) {
    const ms = resumeHub.caughtUpMs;
    lines.push(
      `resume storm: ssehub ${ms === undefined ? 'not all caught up' : `all caught up in ${n(ms)} ms`} (target ≤ 2,000 ms) — ${ms !== undefined && ms <= 2000 ? 'met' : 'missed'}`,
    );
  }
  const lossy = results.filter((r) => !r.skipped && Math.max(r.loss, r.lossInRepeats ?? 0) > 0);
  const hubLossy = lossy.filter((r) => r.server === 'ssehub');
  lines.push(
    `loss: ${hubLossy.length === 0 ? 'ssehub zero in every scenario — met' : `ssehub lost events in ${hubLossy.map((r) => r.scenario).join(', ')} — missed`}` +
      (lossy.length > hubLossy.length
        ? ` (peers with loss: ${lossy
            .filter((r) => r.server !== 'ssehub')
            .map((r) => `${r.server}/${r.scenario}`)
            .join(', ')})`
        : ''),
  );
  return lines;
}

export function markdownReport(
  stamp: string,
  machine: MachineInfo,
  options: BenchOptions,
  command: string,
  results: readonly RunResult[],
): string {
  const scenarios = [...new Set(results.map((r) => r.scenario))];
  const parts = [
    `# ssehub fan-out benchmark — ${stamp}`,
    '',
    `Machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Linux ${machine.kernel}, Node ${machine.node}, ${machine.nginx ?? 'nginx not found'}; ${machine.fdLimitNote}. Everything over loopback; servers and load generator share the machine.`,
    '',
    `Command: \`${command}\``,
    '',
    `Options: ${options.connections.toLocaleString('en-US')} connections (idle: ${options.idleConnections.toLocaleString('en-US')}), ${options.workers} load workers, ${options.publishers} publishers, ${options.payloadBytes}-byte data, steady ${options.rate.toLocaleString('en-US')} deliveries/s for ${options.steadyDurationMs / 1000} s, saturation ≤ ${options.events.toLocaleString('en-US')} events or ${options.durationMs / 1000} s, resume backlog ${options.resumeBacklog}, many-topics ≤ ${options.topicEvents.toLocaleString('en-US')} events${options.topics ? ` over ${options.topics.toLocaleString('en-US')} topics` : ''}${options.repeat > 1 ? `; each row is the median of ${options.repeat} runs` : ''}.`,
    '',
  ];
  const checks = targets(results);
  if (checks.length > 0) parts.push('## Targets', '', ...checks.map((c) => `- ${c}`), '');
  for (const scenario of scenarios) {
    parts.push(
      `## ${TITLES[scenario] ?? scenario}`,
      '',
      scenarioTable(
        scenario,
        results.filter((r) => r.scenario === scenario),
      ),
      '',
    );
  }
  return parts.join('\n');
}
