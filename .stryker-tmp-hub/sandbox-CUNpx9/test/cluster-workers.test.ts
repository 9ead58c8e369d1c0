// @ts-nocheck
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FetchSseClient, publishOk, until } from './fixtures/cluster-clients.js';
import { deleteKeys, redisReachable, requireOrSkip, SHARED_REDIS_URL, uniquePrefix } from './fixtures/cluster-redis.js';

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

const available = requireOrSkip(await redisReachable(), `Redis at ${SHARED_REDIS_URL}`);

describe.skipIf(!available)('ssehub serve --workers 2 --redis', () => {
  const prefix = uniquePrefix();
  afterAll(() => deleteKeys(prefix));

  it('runs two workers on one port that share the log, and stops on SIGTERM', async () => {
    const run = runCli([
      'serve',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--workers',
      '2',
      '--redis',
      SHARED_REDIS_URL,
      '--redis-prefix',
      prefix,
    ]);
    try {
      let url = '';
      await until(
        () => {
          const match = /cluster of 2 workers on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.output());
          url = match?.[1] ?? '';
          return url !== '' && (run.output().match(/ssehub listening on/g) ?? []).length === 2;
        },
        20_000,
        `two workers to listen; output so far: ${run.output()}`,
      );
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
});
