import { parseArgs } from 'node:util';

export const ALL_SCENARIOS = ['saturation', 'steady', 'idle', 'resume', 'many-topics', 'cluster', 'rules'] as const;
export const DEFAULT_SCENARIOS = ['saturation', 'steady', 'idle', 'resume', 'many-topics', 'cluster', 'rules'];
export const ALL_SERVERS = ['ssehub', 'nchan', 'better-sse', 'express-seed'] as const;

export interface BenchOptions {
  connections: number;
  idleConnections: number;
  events: number;
  durationMs: number;
  rate: number;
  steadyDurationMs: number;
  resumeBacklog: number;
  topicEvents: number;
  /** many-topics: topics the streams are spread over (0: one per stream). */
  topics: number;
  publishers: number;
  payloadBytes: number;
  workers: number;
  repeat: number;
  connectConcurrency: number;
  resumeConcurrency: number;
  hosts: string[];
  scenarios: string[];
  servers: string[];
  cpuProf: boolean;
  build: boolean;
  outDir: string;
  drainTimeoutMs: number;
}

export const USAGE = `npm run bench -- [options]

  --connections N       SSE connections per scenario (default 10000)
  --idle-connections N  connections of the idle-memory scenario (default 19000)
  --events M            saturation: stop after M publishes (default 200000)
  --duration S          saturation and many-topics: stop publishing after S seconds (default 10)
  --rate R              steady: deliveries per second over all connections (default 50000)
  --steady-duration S   steady: seconds of traffic (default 15)
  --resume-backlog K    resume: events each client missed (default 1000)
  --topic-events M      many-topics: stop after M publishes (default 20000)
  --topics T            many-topics: spread the streams over T topics (default: one topic per stream)
  --publishers C        concurrent publish loops (default 8)
  --payload B           bytes of event data (default 64)
  --workers W           load worker processes (default 2)
  --repeat R            run every server R times per scenario, report the median run (default 1)
  --connect-concurrency C  connections opening at once (default 256)
  --resume-concurrency C   resume storm: reconnects at once (default 512)
  --hosts H             destination addresses 127.0.0.1..127.0.0.H (default 4)
  --scenarios list      ${ALL_SCENARIOS.join(',')} (default ${DEFAULT_SCENARIOS.join(',')})
  --servers list        ${ALL_SERVERS.join(',')} (default all)
  --cpu-prof            write V8 CPU profiles of the Node servers to <out>/profiles
  --no-build            do not run \`npm run build\` first
  --out DIR             results directory (default bench/results)
  --drain-timeout S     longest wait for deliveries after publishing ends (default 60)
`;

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      connections: { type: 'string' },
      'idle-connections': { type: 'string' },
      events: { type: 'string' },
      duration: { type: 'string' },
      rate: { type: 'string' },
      'steady-duration': { type: 'string' },
      'resume-backlog': { type: 'string' },
      'topic-events': { type: 'string' },
      topics: { type: 'string' },
      publishers: { type: 'string' },
      payload: { type: 'string' },
      workers: { type: 'string' },
      repeat: { type: 'string' },
      'connect-concurrency': { type: 'string' },
      'resume-concurrency': { type: 'string' },
      hosts: { type: 'string' },
      scenarios: { type: 'string' },
      servers: { type: 'string' },
      'cpu-prof': { type: 'boolean' },
      'no-build': { type: 'boolean' },
      out: { type: 'string' },
      'drain-timeout': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const int = (name: string, value: string | undefined, fallback: number, min = 1): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number >= ${min}, got ${value}`);
    return n;
  };
  const list = (name: string, value: string | undefined, allowed: readonly string[], fallback: readonly string[]) => {
    const items =
      value === undefined
        ? [...fallback]
        : value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
    for (const item of items) {
      if (!allowed.includes(item)) throw new Error(`--${name}: unknown ${item} (choose from ${allowed.join(', ')})`);
    }
    return items;
  };
  const hostCount = int('hosts', values.hosts, 4);
  return {
    connections: int('connections', values.connections, 10_000),
    idleConnections: int('idle-connections', values['idle-connections'], 19_000),
    events: int('events', values.events, 200_000),
    durationMs: int('duration', values.duration, 10) * 1000,
    rate: int('rate', values.rate, 50_000),
    steadyDurationMs: int('steady-duration', values['steady-duration'], 15) * 1000,
    resumeBacklog: int('resume-backlog', values['resume-backlog'], 1000),
    topicEvents: int('topic-events', values['topic-events'], 20_000),
    topics: int('topics', values.topics, 0, 0),
    publishers: int('publishers', values.publishers, 8),
    payloadBytes: int('payload', values.payload, 64, 24),
    workers: int('workers', values.workers, 2),
    repeat: int('repeat', values.repeat, 1),
    connectConcurrency: int('connect-concurrency', values['connect-concurrency'], 256),
    resumeConcurrency: int('resume-concurrency', values['resume-concurrency'], 512),
    hosts: Array.from({ length: hostCount }, (_, i) => `127.0.0.${i + 1}`),
    scenarios: list('scenarios', values.scenarios, ALL_SCENARIOS, DEFAULT_SCENARIOS),
    servers: list('servers', values.servers, ALL_SERVERS, ALL_SERVERS),
    cpuProf: Boolean(values['cpu-prof']),
    build: !values['no-build'],
    outDir: values.out ?? 'bench/results',
    drainTimeoutMs: int('drain-timeout', values['drain-timeout'], 60) * 1000,
  };
}
