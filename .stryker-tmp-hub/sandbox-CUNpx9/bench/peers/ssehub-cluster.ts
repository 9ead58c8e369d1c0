// @ts-nocheck
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, spawnServer, stopChild, waitForHttp } from './child-process.js';
import { jsonPublishApi, type PeerDefinition, type RunningPeer } from './peer.js';
import { ssehubServeArgs } from './ssehub.js';

/** Waits until redis-server answers PING on `port`. */
async function waitForRedis(port: number, child: ReturnType<typeof spawnServer>): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('+PONG'));
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('redis-server not ready');
}

/**
 * Two ssehub nodes sharing a private Redis (started by the harness, no
 * persistence): streams are spread over both, publishes go to the first.
 */
export const ssehubClusterPeer: PeerDefinition = {
  name: 'ssehub-cluster',
  supportsResume: true,
  async start({ tmpDir }): Promise<RunningPeer> {
    const redisPort = await freePort();
    const redis = spawnServer(
      'redis',
      'redis-server',
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpDir],
      tmpDir,
    );
    await waitForRedis(redisPort, redis);
    const nodes: { port: number; child: ReturnType<typeof spawnServer> }[] = [];
    for (const name of ['a', 'b']) {
      const port = await freePort();
      const dataDir = join(tmpDir, name);
      mkdirSync(dataDir, { recursive: true });
      const child = spawnServer(
        `ssehub-${name}`,
        process.execPath,
        ssehubServeArgs(port, dataDir, ['--redis', `redis://127.0.0.1:${redisPort}`, '--redis-prefix', 'bench:']),
        tmpDir,
      );
      await waitForHttp(port, '/healthz', child);
      nodes.push({ port, child });
    }
    const [a, b] = nodes as [(typeof nodes)[number], (typeof nodes)[number]];
    return {
      name: 'ssehub-cluster',
      port: a.port,
      pid: a.child.pid as number,
      otherPids: [b.child.pid as number, redis.pid as number],
      streamPorts: [a.port, b.port],
      ...jsonPublishApi,
      resumeHeader: (id) => `Last-Event-ID: ${id}`,
      async stop() {
        await Promise.all(nodes.map((node) => stopChild(node.child)));
        await stopChild(redis);
      },
    };
  },
};
