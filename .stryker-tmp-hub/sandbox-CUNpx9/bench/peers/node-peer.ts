// @ts-nocheck
import { fileURLToPath } from 'node:url';
import { freePort, spawnServer, stopChild, waitForHttp } from './child-process.js';
import { jsonPublishApi, type PeerDefinition, type RunningPeer } from './peer.js';

/** A peer written for the benchmark as a small Node server in bench/peers/ (JSON publish, no resume). */
function nodePeer(name: string, file: string): PeerDefinition {
  return {
    name,
    supportsResume: false,
    async start({ tmpDir, cpuProfileDir }): Promise<RunningPeer> {
      const port = await freePort();
      const script = fileURLToPath(new URL(file, import.meta.url));
      const nodeArgs = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
      const child = spawnServer(name, process.execPath, [...nodeArgs, '--import', 'tsx', script, String(port)], tmpDir);
      await waitForHttp(port, '/healthz', child);
      return {
        name,
        port,
        pid: child.pid as number,
        ...jsonPublishApi,
        resumeHeader: () => undefined,
        stop: () => stopChild(child),
      };
    },
  };
}

export const betterSsePeer = nodePeer('better-sse', './better-sse-server.ts');
export const expressSeedPeer = nodePeer('express-seed', './express-seed-server.ts');
