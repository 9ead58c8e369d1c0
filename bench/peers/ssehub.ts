import { freePort, spawnServer, stopChild, waitForHttp } from './child-process.js';
import { jsonPublishApi, type PeerDefinition, type RunningPeer } from './peer.js';

/** `node dist/cli/main.js serve` on `port` with its data in `dataDir`, plus `extra` flags. */
export function ssehubServeArgs(port: number, dataDir: string, extra: readonly string[] = []): string[] {
  return [
    'dist/cli/main.js',
    'serve',
    '--host',
    '0.0.0.0',
    // The bench drives an open hub from several loopback addresses (127.0.0.1..H).
    '--insecure-open',
    '--port',
    String(port),
    '--data-dir',
    dataDir,
    '--log-level',
    'warn',
    // The idle scenario opens 19,000 streams under a 20,000-file limit; the default
    // cap (the limit less 10% headroom) would refuse the last thousand with 503.
    '--max-connections',
    '19500',
    ...extra,
  ];
}

/** ssehub as users run it: `ssehub serve` with the durable SQLite log in a fresh data dir. */
export const ssehubPeer: PeerDefinition = {
  name: 'ssehub',
  supportsResume: true,
  async start({ tmpDir, cpuProfileDir }): Promise<RunningPeer> {
    const port = await freePort();
    const nodeArgs = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
    const child = spawnServer('ssehub', process.execPath, [...nodeArgs, ...ssehubServeArgs(port, tmpDir)], tmpDir);
    await waitForHttp(port, '/healthz', child);
    return {
      name: 'ssehub',
      port,
      pid: child.pid as number,
      ...jsonPublishApi,
      resumeHeader: (id) => `Last-Event-ID: ${id}`,
      stop: () => stopChild(child),
    };
  },
};
