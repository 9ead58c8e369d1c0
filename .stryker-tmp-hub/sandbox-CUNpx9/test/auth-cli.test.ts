// @ts-nocheck
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { startChildHub } from './support/child-hub.js';
import { runCli, spawnCli } from './support/run-cli.js';
import { openStream, publish } from './support/sse-stream.js';
import { tempDir } from './support/temp-dir.js';
import { signToken, TEST_SECRET } from './support/tokens.js';
import { waitUntil } from './support/wait.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function dir(): string {
  const d = tempDir();
  cleanups.push(() => d.remove());
  return d.path;
}

async function childHub(args: string[], env: Record<string, string> = {}) {
  const hub = await startChildHub(['--port', '0', '--ephemeral', ...args], env);
  cleanups.push(() => hub.kill('SIGKILL'));
  return hub;
}

async function connections(url: string): Promise<number> {
  return ((await (await fetch(`${url}/healthz`)).json()) as { connections: number }).connections;
}

describe('ssehub token', () => {
  it('mints an HS256 token with sub, iat, exp, iss, aud and the ssehub claim', async () => {
    const { code, stdout, stderr } = await runCli(
      ['token', '--sub', 'alice', '--subscribe', 'chat/*,news/**', '--publish', 'chat/*', '--admin', '--ttl', '2h'],
      { SSEHUB_JWT_SECRET: TEST_SECRET, SSEHUB_JWT_ISSUER: 'https://me.test', SSEHUB_JWT_AUDIENCE: 'hub' },
    );
    expect([code, stderr]).toEqual([0, '']);
    const token = stdout.trim();
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(TEST_SECRET), {
      issuer: 'https://me.test',
      audience: 'hub',
    });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({
      sub: 'alice',
      ssehub: { subscribe: ['chat/*', 'news/**'], publish: ['chat/*'], admin: true },
    });
    expect((payload.exp as number) - (payload.iat as number)).toBe(7200);
  });

  it.each([
    [['--sub', 'a'], {}, /--secret or SSEHUB_JWT_SECRET/],
    [['--sub', 'a', '--secret', 'short'], {}, /at least 32 characters/],
    [['--sub', 'a', '--subscribe', 'chat//x'], { SSEHUB_JWT_SECRET: TEST_SECRET }, /subscribe: .*invalid segment/],
    [['--sub', 'a', '--ttl', 'forever'], { SSEHUB_JWT_SECRET: TEST_SECRET }, /expected a duration/],
    [[], { SSEHUB_JWT_SECRET: TEST_SECRET }, /required option '--sub <subject>'/],
  ])('token %j fails with a clear message', async (args, env, message) => {
    const { code, stdout, stderr } = await runCli(['token', ...args], env as Record<string, string>);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });
});

describe('publish and tail against a hub with auth on', () => {
  it('work with --token / SSEHUB_TOKEN, and print the code of a refusal', async () => {
    const hub = await childHub(['--jwt-issuer', 'https://me.test', '--public-topics', 'news/*'], {
      SSEHUB_JWT_SECRET: TEST_SECRET,
      SSEHUB_JWT_AUDIENCE: 'hub',
    });
    const mint = async (...args: string[]) => {
      const res = await runCli(['token', ...args], {
        SSEHUB_JWT_SECRET: TEST_SECRET,
        SSEHUB_JWT_ISSUER: 'https://me.test',
        SSEHUB_JWT_AUDIENCE: 'hub',
      });
      expect(res.code).toBe(0);
      return res.stdout.trim();
    };
    const reader = await mint('--sub', 'reader', '--subscribe', 'cli/*');
    const writer = await mint('--sub', 'writer', '--publish', 'cli/*');

    const tail = spawnCli(['tail', '--url', hub.url, '--topic', 'cli/*', '--json'], { SSEHUB_TOKEN: reader });
    cleanups.push(() => tail.child.kill('SIGKILL'));
    await waitUntil(async () => (await connections(hub.url)) === 1, 20_000, 'tail to connect');

    const published = await runCli(['publish', '--url', hub.url, '--token', writer, '-t', 'cli/a', '-d', 'hello']);
    expect([published.code, published.stderr]).toEqual([0, '']);
    const id = published.stdout.trim();
    await waitUntil(() => tail.stdout().includes('hello'), 15_000, 'tail output');
    // The session frame of a token stream is plumbing, not printed.
    expect(tail.stdout().trim()).toBe(JSON.stringify({ id, type: 'message', data: 'hello' }));

    // Refusals: the status and the code, no stack trace, exit code 1, nothing written.
    const anonymous = await runCli(['publish', '--url', hub.url, '-t', 'cli/a', '-d', 'x']);
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(/^ssehub publish: publish failed \(401 TOKEN_MISSING\)/);
    expect(anonymous.stderr).not.toMatch(/\n\s+at /);
    const wrongRight = await runCli(['publish', '--url', hub.url, '-t', 'news/a', '-d', 'x'], { SSEHUB_TOKEN: writer });
    expect([wrongRight.code, wrongRight.stderr]).toEqual([1, expect.stringContaining('403 FORBIDDEN')]);
    const forged = await runCli(['publish', '--url', hub.url, '--token', `${writer}x`, '-t', 'cli/a', '-d', 'x']);
    expect([forged.code, forged.stderr]).toEqual([1, expect.stringContaining('401 TOKEN_SIGNATURE_INVALID')]);
    expect(forged.stderr).not.toContain(writer);

    const refusedTail = await runCli(['tail', '--url', hub.url, '--topic', 'cli/*']);
    expect(refusedTail.code).toBe(1);
    expect(refusedTail.stderr).toMatch(/^ssehub tail: 401 TOKEN_MISSING: /);
    const forbiddenTail = await runCli(['tail', '--url', hub.url, '--topic', 'cli/*', '--token', writer]);
    expect([forbiddenTail.code, forbiddenTail.stderr]).toEqual([1, expect.stringContaining('403 FORBIDDEN')]);

    // The public topic needs no token.
    const news = await openStream(hub.url, ['news/*']);
    cleanups.push(() => news.close());
    expect(news.status).toBe(200);

    // Only the one accepted event reached the tail.
    const end = await runCli(['publish', '--url', hub.url, '--token', writer, '-t', 'cli/b', '-d', 'end']);
    expect(end.code).toBe(0);
    await waitUntil(() => tail.stdout().includes('"end"'), 15_000, 'tail end marker');
    expect(
      tail
        .stdout()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).data),
    ).toEqual(['hello', 'end']);
  }, 90_000);
});

describe('ssehub serve: token options', () => {
  it.each([
    ['a missing file', (d: string) => join(d, 'nope.pem'), /--jwt-public-key: cannot read .*nope\.pem/],
    [
      'a file that is not PEM',
      (d: string) => {
        writeFileSync(join(d, 'key.txt'), 'not a key');
        return join(d, 'key.txt');
      },
      /--jwt-public-key: .*key\.txt is not a PEM public key/,
    ],
    [
      'a private key',
      (d: string) => {
        const { privateKey } = generateKeyPairSync('ed25519');
        writeFileSync(join(d, 'private.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
        return join(d, 'private.pem');
      },
      /--jwt-public-key: .*this is a private key/,
    ],
    [
      'a damaged PEM',
      (d: string) => {
        writeFileSync(join(d, 'bad.pem'), '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n');
        return join(d, 'bad.pem');
      },
      /--jwt-public-key: .*bad\.pem holds no readable public key/,
    ],
  ])('--jwt-public-key with %s stops the hub naming the flag', async (_, file, message) => {
    const { code, stderr } = await runCli(['serve', '--port', '0', '--ephemeral', '--jwt-public-key', file(dir())]);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
  });

  it.each([
    [['--jwt-secret', 'short'], {}, /jwtSecret: must be at least 32 characters/],
    [[], { SSEHUB_JWKS_URL: 'ftp://idp.test/jwks' }, /jwksUrl/],
    [['--jwt-secret', TEST_SECRET, '--public-topics', 'news/**/x'], {}, /publicTopics: .*"\*\*" may only be the last/],
    [['--jwt-secret', TEST_SECRET, '--max-streams-per-client', '0'], {}, /expected a positive whole number/],
    [['--jwt-secret', TEST_SECRET], { SSEHUB_ALLOW_QUERY_TOKEN: 'sometimes' }, /SSEHUB_ALLOW_QUERY_TOKEN must be/],
  ])('serve %j %j fails with a clear message', async (args, env, message) => {
    const { code, stderr } = await runCli(['serve', '--port', '0', '--ephemeral', ...args], env);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
  });

  it('--jwt-public-key from a file verifies EdDSA tokens; SSEHUB_ALLOW_QUERY_TOKEN=false keeps query tokens out', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const file = join(dir(), 'public.pem');
    writeFileSync(file, publicKey.export({ type: 'spki', format: 'pem' }) as string);
    const hub = await childHub(['--jwt-public-key', file], { SSEHUB_ALLOW_QUERY_TOKEN: 'false' });
    const token = await signToken('EdDSA', privateKey, { rights: { subscribe: ['a/*'], publish: ['a/*'] } });
    const ok = await publish(hub.url, { topic: 'a/b', data: 'x' }, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    const query = await openStream(hub.url, ['a/*'], { query: { access_token: token } });
    expect([query.status, JSON.parse(query.errorBody).error.code]).toEqual([401, 'QUERY_TOKEN_REFUSED']);
  }, 60_000);

  it('SSEHUB_ALLOW_QUERY_TOKEN=true and SSEHUB_MAX_STREAMS_PER_CLIENT apply', async () => {
    const hub = await childHub([], {
      SSEHUB_JWT_SECRET: TEST_SECRET,
      SSEHUB_ALLOW_QUERY_TOKEN: 'true',
      SSEHUB_MAX_STREAMS_PER_CLIENT: '1',
    });
    const token = await signToken('HS256', TEST_SECRET, { rights: { subscribe: ['a/*'] } });
    const first = await openStream(hub.url, ['a/*'], { query: { access_token: token } });
    cleanups.push(() => first.close());
    expect(first.status).toBe(200);
    const second = await openStream(hub.url, ['a/*'], { headers: { authorization: `Bearer ${token}` } });
    expect([second.status, JSON.parse(second.errorBody).error.code]).toEqual([429, 'TOO_MANY_STREAMS']);
  }, 60_000);
});
