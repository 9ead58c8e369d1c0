import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FetchSseClient, publishOk, until } from './fixtures/cluster-clients.js';
import { deleteKeys, redisReachable, requireOrSkip, SHARED_REDIS_URL, uniquePrefix } from './fixtures/cluster-redis.js';
import { publish } from './support/sse-stream.js';

/** POST /publish on its own connection; the new id. */
async function publishFresh(url: string, data: string): Promise<string> {
  const res = await publish(url, { topic: 'r', data });
  expect(res.status).toBe(200);
  return res.body.id as string;
}

const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

function runCli(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('SSEHUB_')) delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('ssehub serve --workers', () => {
  it('refuses more than one worker without --redis, saying what to add', async () => {
    const run = runCli(['serve', '--port', '0', '--ephemeral', '--workers', '2']);
    const code = await Promise.race([run.exited, new Promise((r) => setTimeout(() => r('timeout'), 20_000))]);
    expect(code).toBe(1);
    expect(run.output()).toMatch(/--workers 2 needs a shared event log: add --redis <url>/);
  });
});

/** `ssehub serve --workers 2 --redis`, once both workers listen: the cluster's URL and a count of "listening" lines. */
async function startTwoWorkers(prefix: string) {
  const run = runCli(
    ['serve', '--port', '0', '--host', '127.0.0.1', '--workers', '2'].concat([
      '--redis',
      SHARED_REDIS_URL,
      '--redis-prefix',
      prefix,
    ]),
  );
  const listening = () => (run.output().match(/ssehub listening on/g) ?? []).length;
  let url = '';
  try {
    await until(
      () => {
        url = /cluster of 2 workers on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.output())?.[1] ?? '';
        return url !== '' && listening() === 2;
      },
      20_000,
      `two workers to listen; output so far: ${run.output()}`,
    );
  } catch (err) {
    run.child.kill('SIGKILL');
    throw err;
  }
  return { run, url, listening };
}

const available = requireOrSkip(await redisReachable(), `Redis at ${SHARED_REDIS_URL}`);

describe.skipIf(!available)('ssehub serve --workers 2 --redis', () => {
  const prefix = uniquePrefix();
  afterAll(() => deleteKeys(prefix));

  it('runs two workers on one port that share the log, and stops on SIGTERM', async () => {
    const { run, url } = await startTwoWorkers(prefix);
    try {
      // Several streams and publishes over fresh connections land on both workers.
      const clients = await Promise.all(
        Array.from({ length: 4 }, async () => {
          const client = new FetchSseClient();
          await client.connect(url, ['w']);
          return client;
        }),
      );
      await until(() => clients.every((c) => c.lastEventId !== ''), 5_000, 'the streams to start');
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push(await publishOk(url, 'w', `w-${i}`));
      for (const client of clients) {
        await until(() => client.messages.length >= 6, 5_000, 'every event on every stream');
        expect(client.messages.map((e) => e.id)).toEqual(ids);
        client.close();
      }
      run.child.kill('SIGTERM');
      const code = await Promise.race([run.exited, new Promise((r) => setTimeout(() => r('timeout'), 15_000))]);
      expect(code).toBe(0);
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('replaces a worker killed with SIGKILL; the service goes on and resumed streams miss nothing', async () => {
    const { run, url, listening } = await startTwoWorkers(prefix);
    /** The primary's live children running the CLI: its workers (tsx may add an esbuild child). */
    const workerPids = () => {
      try {
        return execFileSync('pgrep', ['-P', String(run.child.pid), '-f', 'cli/main.ts'], { encoding: 'utf8' })
          .trim()
          .split('\n')
          .map(Number);
      } catch {
        return []; // pgrep exits 1 when there is none
      }
    };
    try {
      const clients = await Promise.all(
        Array.from({ length: 4 }, async () => {
          const client = new FetchSseClient();
          await client.connect(url, ['r']);
          return client;
        }),
      );
      await until(() => clients.every((c) => c.lastEventId !== ''), 5_000, 'the streams to start');
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push(await publishOk(url, 'r', `before-${i}`));
      await until(() => clients.every((c) => c.messages.length === 3), 5_000, 'the first events');

      const [victim] = workerPids();
      expect(workerPids()).toHaveLength(2);
      process.kill(victim as number, 'SIGKILL');
      await until(() => /a worker exited; starting a replacement/.test(run.output()), 10_000, 'the primary to notice');
      // The surviving worker keeps serving while the replacement starts (fresh connections:
      // a pooled keep-alive socket to the killed worker would just be reset).
      for (let i = 0; i < 3; i++) ids.push(await publishFresh(url, `during-${i}`));
      await until(() => listening() === 3, 15_000, `a replacement worker; output so far: ${run.output()}`);
      const pids = workerPids();
      expect(pids).toHaveLength(2);
      expect(pids).not.toContain(victim);

      // Streams that were on the killed worker resume with their last id (on any worker).
      await until(() => clients.some((c) => c.disconnected), 5_000, 'a stream of the killed worker to end');
      for (const client of clients) if (client.disconnected) await client.connect(url, ['r']);
      ids.push(await publishFresh(url, 'end'));
      for (const client of clients) {
        await until(() => client.messages.some((e) => e.data === 'end'), 5_000, 'the end marker on every stream');
        expect(client.messages.map((e) => e.id)).toEqual(ids);
        client.close();
      }
      run.child.kill('SIGTERM');
      expect(await Promise.race([run.exited, new Promise((r) => setTimeout(() => r('timeout'), 15_000))])).toBe(0);
    } finally {
      run.child.kill('SIGKILL');
    }
  }, 60_000);
});
