import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { serve } from '../src/server.js';
import { startChildHub } from './support/child-hub.js';
import { runCli as run } from './support/run-cli.js';
import { tempDir } from './support/temp-dir.js';
import { waitUntil } from './support/wait.js';

const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('ssehub serve: configuration errors a user can act on', () => {
  it.each([
    [['serve', '--bogus'], {}, /unknown option '--bogus'/],
    [['serve', '--port', 'abc'], {}, /--port.*expected a port number/],
    [['serve', '--port', '70000'], {}, /expected a port number/],
    [['serve', '--heartbeat', 'soon'], {}, /expected a duration/],
    [['serve', '--retention-events', '-3'], {}, /retention-events/],
    [['serve', '--max-buffer', '1qb'], {}, /expected a size/],
    [['serve'], { SSEHUB_PORT: 'eighty' }, /expected a port number/],
    [['serve', '--log-level', 'loud'], {}, /Allowed choices are fatal, error/],
    [['serve', '--sync', 'sometimes'], {}, /Allowed choices are normal, full/],
    [['serve', '--publish-rate', 'fast'], {}, /--publish-rate.*expected a number of events per second/],
    [['serve', '--publish-burst', '0'], {}, /--publish-burst.*expected a positive whole number/],
    [['serve', '--trust-proxy', 'yes'], {}, /--trust-proxy.*expected a positive whole number/],
    // Safe by default: no key, not loopback → refuse, and say how to configure a key.
    [
      ['serve', '--host', '0.0.0.0', '--port', '0', '--ephemeral'],
      {},
      /Refusing to listen on 0\.0\.0\.0 with no authentication.*--jwt-secret, --jwt-public-key or --jwks-url.*--insecure-open/,
    ],
    [['serve', '--port', '0', '--ephemeral'], { SSEHUB_HOST: '::' }, /Refusing to listen on ::/],
  ])('%j %j fails with a clear message', async (args, env, message) => {
    const { code, stderr } = await run(args, env as Record<string, string>);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
  });

  it('reports a port in use', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    cleanups.push(() => blocker.close());
    const port = (blocker.address() as { port: number }).port;
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const { code, stderr } = await run([
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--data-dir',
      dir.path,
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain(`port ${port} is already in use`);
  });

  it('reports an unusable data dir', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const file = join(dir.path, 'not-a-dir');
    writeFileSync(file, 'x');
    const { code, stderr } = await run(['serve', '--port', '0', '--data-dir', join(file, 'data')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/data directory .* cannot be used/);
    expect(stderr).toContain('--data-dir');
  });
});

describe('ssehub serve: safe default host', () => {
  it('binds loopback when no --host is given', async () => {
    const running = await serve({ port: 0, ephemeral: true, logLevel: 'silent' });
    cleanups.push(() => running.close());
    expect((running.server.address() as AddressInfo).address).toBe('127.0.0.1');
  });

  it('runs open on all interfaces only with --insecure-open, and warns', async () => {
    const hub = await startChildHub(['--port', '0', '--ephemeral', '--host', '0.0.0.0'], { SSEHUB_INSECURE_OPEN: '1' });
    cleanups.push(() => hub.kill('SIGKILL'));
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
    expect(hub.output()).toMatch(/"level":40.*running open \(--insecure-open\)/);
  });

  it('binds any address once a key is configured', async () => {
    const running = await serve({
      port: 0,
      host: '0.0.0.0',
      ephemeral: true,
      logLevel: 'silent',
      jwtSecret: 'test-secret-that-is-at-least-32-characters-long',
    });
    cleanups.push(() => running.close());
    expect((running.server.address() as AddressInfo).address).toBe('0.0.0.0');
  });
});

describe('ssehub publish --ndjson', () => {
  it('streams events from stdin, prints the answer to each line, and exits 1 when a line was refused', async () => {
    const hub = await serve({ port: 0, host: '127.0.0.1', ephemeral: true, logLevel: 'silent', canaryIntervalMs: 0 });
    cleanups.push(() => hub.close());
    const cli = spawn(process.execPath, ['--import', 'tsx', CLI, 'publish', '--url', hub.url, '--ndjson']);
    let out = '';
    cli.stdout.on('data', (d) => {
      out += d;
    });
    const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));
    cli.stdin.end('{"topic":"cli/n","data":"one"}\n{"topic":"cli/*","data":"bad"}\n{"topic":"cli/n","data":{"n":3}}\n');
    expect(await exited).toBe(1);
    const answers = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id?: string; error?: { code: string }; line: number });
    expect(answers.map((a) => [a.line, a.error?.code ?? 'ok'])).toEqual([
      [1, 'ok'],
      [2, 'INVALID_TOPIC'],
      [3, 'ok'],
    ]);
    const log = await hub.hub.log.readAfter(0, 10);
    expect(log.map((e) => [e.id, e.data])).toEqual([
      [answers[0]?.id, 'one'],
      [answers[2]?.id, '{"n":3}'],
    ]);
  });
});

describe('ssehub publish and ssehub tail', () => {
  it('publishes from the terminal and tails a topic, resuming with --last-event-id', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const hub = await startChildHub(['--port', '0', '--data-dir', dir.path]);
    cleanups.push(() => hub.kill('SIGKILL'));

    const tail = spawn(process.execPath, [
      '--import',
      'tsx',
      CLI,
      'tail',
      '--url',
      hub.url,
      '--topic',
      'cli/*',
      '--json',
    ]);
    cleanups.push(() => tail.kill('SIGKILL'));
    let out = '';
    tail.stdout.on('data', (d) => {
      out += d;
    });
    // Wait until the tail's stream is open (the hub counts it).
    for (let i = 0; ; i++) {
      const health = (await (await fetch(`${hub.url}/healthz`)).json()) as { connections: number };
      if (health.connections === 1) break;
      if (i > 300) throw new Error('tail did not connect');
      await new Promise((r) => setTimeout(r, 50));
    }
    const first = await run(['publish', '--url', hub.url, '--topic', 'cli/a', '--data', 'hello']);
    expect(first.code).toBe(0);
    const firstId = first.stdout.trim();
    expect(firstId).toMatch(/^[0-9a-z]+-\d+$/);
    const second = await run(['publish', '--url', hub.url, '-t', 'cli/b', '--type', 'note', '--json', '-d', '{"n":2}']);
    expect(second.code).toBe(0);
    await waitUntil(() => out.trim().split('\n').length >= 2, 15_000, 'tail output');
    expect(
      out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { id: firstId, type: 'message', data: 'hello' },
      { id: second.stdout.trim(), type: 'note', data: '{"n":2}' },
    ]);

    const bad = await run(['publish', '--url', hub.url, '--topic', 'cli/*', '--data', 'x']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/400 INVALID_TOPIC/);

    const resumed = spawn(process.execPath, [
      '--import',
      'tsx',
      CLI,
      'tail',
      '--url',
      hub.url,
      '-t',
      'cli/**',
      '--last-event-id',
      firstId,
    ]);
    cleanups.push(() => resumed.kill('SIGKILL'));
    let resumedOut = '';
    resumed.stdout.on('data', (d) => {
      resumedOut += d;
    });
    await waitUntil(() => resumedOut.includes('{"n":2}'), 15_000, 'resumed tail output');
    expect(resumedOut.trim()).toBe(`${second.stdout.trim()}\tnote\t{"n":2}`);
  }, 60_000);
});
