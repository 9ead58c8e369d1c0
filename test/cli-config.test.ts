import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { deleteKeys, redisReachable, requireOrSkip, SHARED_REDIS_URL, uniquePrefix } from './fixtures/cluster-redis.js';
import { startChildHub } from './support/child-hub.js';
import { sendRaw } from './support/http-request.js';
import { runCli } from './support/run-cli.js';
import { openStream } from './support/sse-stream.js';
import { tempDir } from './support/temp-dir.js';

/**
 * docs/configuration.md through the real CLI: every flag has an environment
 * variable, a flag wins over its variable, a bad variable is named in the error,
 * switches read their variable as yes/no; `--cors` and `--redis` as documented.
 */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function child(args: string[], env: Record<string, string> = {}) {
  const dir = tempDir();
  const hub = await startChildHub(['--port', '0', '--data-dir', dir.path, ...args], env);
  cleanups.push(() => dir.remove());
  cleanups.push(() => hub.kill('SIGKILL'));
  return { hub, dir: dir.path };
}

/** The `retry:` a fresh stream is told (the hub sends it first). */
async function advertisedRetry(url: string): Promise<number | undefined> {
  const stream = await openStream(url, ['cfg']);
  await stream.waitFor(() => stream.retries.length > 0);
  stream.close();
  return stream.retries[0];
}

const preflight = (url: string, origin: string) =>
  sendRaw(`${url}/publish`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });

describe('environment variables and flags', () => {
  it('takes a setting from its variable, and the flag over the variable', async () => {
    const fromEnv = await child([], { SSEHUB_RETRY: '750ms' });
    expect(await advertisedRetry(fromEnv.hub.url)).toBe(750);
    const both = await child(['--retry', '300ms'], { SSEHUB_RETRY: '750ms' });
    expect(await advertisedRetry(both.hub.url)).toBe(300);
  });

  it('--cors (flag over SSEHUB_CORS): listed origins get CORS headers, preflight included; others none', async () => {
    const { hub } = await child(['--cors', 'https://a.example, https://b.example'], {
      SSEHUB_CORS: 'https://env.example',
    });
    for (const origin of ['https://a.example', 'https://b.example']) {
      const res = await preflight(hub.url, origin);
      expect(res.status).toBeLessThan(300);
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(String(res.headers['access-control-allow-methods'])).toMatch(/POST/);
      const get = await sendRaw(`${hub.url}/healthz`, { headers: { origin } });
      expect(get.headers['access-control-allow-origin']).toBe(origin);
    }
    for (const origin of ['https://env.example', 'https://evil.example']) {
      const res = await preflight(hub.url, origin);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      const get = await sendRaw(`${hub.url}/healthz`, { headers: { origin } });
      expect(get.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('reads a switch variable as yes or no: SSEHUB_EPHEMERAL=false keeps the durable log', async () => {
    const off = await child([], { SSEHUB_EPHEMERAL: 'false', SSEHUB_NO_METRICS: 'no' });
    expect(off.hub.output()).not.toContain('(memory)');
    expect(existsSync(join(off.dir, 'ssehub.db'))).toBe(true);
    expect((await sendRaw(`${off.hub.url}/metrics`)).status).toBe(200);
    const on = await child([], { SSEHUB_EPHEMERAL: '1', SSEHUB_NO_METRICS: 'yes' });
    expect(on.hub.output()).toContain('"log":"(memory)"');
    expect((await sendRaw(`${on.hub.url}/metrics`)).status).toBe(404);
  });

  it.each([
    [{ SSEHUB_RETRY: 'soon' }, /--retry.*from env 'SSEHUB_RETRY' is invalid.*expected a duration/],
    [{ SSEHUB_MAX_BUFFER: 'huge' }, /from env 'SSEHUB_MAX_BUFFER' is invalid.*expected a size/],
    [{ SSEHUB_EPHEMERAL: 'maybe' }, /SSEHUB_EPHEMERAL must be true or false \(got "maybe"\)/],
    [{ SSEHUB_INSECURE_OPEN: 'sure' }, /SSEHUB_INSECURE_OPEN must be true or false/],
  ])('a bad variable %j stops the hub, naming it', async (env, message) => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const { code, stderr } = await runCli(['serve', '--port', '0', '--data-dir', dir.path], env);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
  });

  it('SSEHUB_INSECURE_OPEN=false does not open a non-loopback bind', async () => {
    const { code, stderr } = await runCli(['serve', '--port', '0', '--ephemeral', '--host', '0.0.0.0'], {
      SSEHUB_INSECURE_OPEN: 'false',
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/Refusing to listen on 0\.0\.0\.0/);
  });
});

const redis = requireOrSkip(await redisReachable(), `Redis at ${SHARED_REDIS_URL}`);

describe.skipIf(!redis)('collections with --redis', () => {
  const prefix = uniquePrefix();
  afterAll(() => deleteKeys(prefix));

  it('configuring collections with --redis is refused at start with INVALID_CONFIG', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const file = join(dir.path, 'collections.json');
    writeFileSync(file, JSON.stringify({ notes: {} }));
    const args = ['serve', '--port', '0', '--redis', SHARED_REDIS_URL, '--redis-prefix', prefix];
    const { code, stderr } = await runCli([...args, '--collections', file]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/Collections need the embedded SQLite log.*--redis/);
  });

  it('without collection settings the hub runs with no /collections routes', async () => {
    const { hub } = await child(['--redis', SHARED_REDIS_URL, '--redis-prefix', prefix]);
    const res = await sendRaw(`${hub.url}/collections/notes/records`);
    expect([res.status, res.code]).toEqual([404, 'NOT_FOUND']);
  });
});
