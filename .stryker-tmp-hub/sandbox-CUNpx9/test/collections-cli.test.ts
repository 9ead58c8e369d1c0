// @ts-nocheck
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { call, collectionsTempDir } from './fixtures/collections-support.js';

const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Runs `ssehub serve` with `args`; resolves with its URL once listening, or its output if it exits. */
function runServe(args: string[]): Promise<{ url?: string; exitCode?: number | null; output: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, 'serve', '--host', '127.0.0.1', '--port', '0', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  cleanups.push(() => child.kill('SIGKILL'));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve neither listened nor exited in 20 s:\n${output}`)), 20_000);
    const onData = (d: Buffer) => {
      output += d;
      const match = /listening on (http:\/\/[^\s"]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1], output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, output });
    });
  });
}

describe('ssehub serve --collections <file>', () => {
  it('validates records against the schemas in the file', async () => {
    const dir = collectionsTempDir();
    cleanups.push(() => dir.remove());
    const file = join(dir.path, 'collections.json');
    writeFileSync(file, JSON.stringify({ messages: { schema: { type: 'object', required: ['text'] } } }));
    const { url, output } = await runServe(['--data-dir', join(dir.path, 'data'), '--collections', file]);
    expect(url, output).toBeDefined();
    const refused = await call(url!, 'POST', '/collections/messages/records', { nope: 1 });
    expect(refused.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'text' } });
    expect((await call(url!, 'POST', '/collections/messages/records', { text: 'hi' })).status).toBe(201);
  });

  it('refuses to start with a bad file, naming the problem', async () => {
    const dir = collectionsTempDir();
    cleanups.push(() => dir.remove());
    const file = join(dir.path, 'collections.json');
    // A misspelt keyword is an error, never silently ignored.
    writeFileSync(file, JSON.stringify({ messages: { schema: { type: 'object', patern: 'x' } } }));
    const bad = await runServe(['--data-dir', join(dir.path, 'data'), '--collections', file]);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.url).toBeUndefined();
    expect(bad.output).toMatch(/collections\.messages.*patern/s);
    // A rule that does not compile stops the start, naming the collection, the action and the position.
    writeFileSync(
      file,
      JSON.stringify({ messages: { rules: { read: 'true', update: 'auth != null &&\n  record.data.author ==' } } }),
    );
    const badRule = await runServe(['--data-dir', join(dir.path, 'data'), '--collections', file]);
    expect(badRule.exitCode).not.toBe(0);
    expect(badRule.url).toBeUndefined();
    expect(badRule.output).toMatch(/collections\.messages\.rules\.update: .* at line 2, column \d+/);
    const missing = await runServe([
      '--data-dir',
      join(dir.path, 'data'),
      '--collections',
      join(dir.path, 'nope.json'),
    ]);
    expect(missing.exitCode).not.toBe(0);
    expect(missing.output).toContain('Cannot read the collections file');
  });
});
