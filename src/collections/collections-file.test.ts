import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp-dir.js';
import { SseHubError } from '../errors.js';
import { readCollectionsFile } from './collections-file.js';

const dirs: { remove(): void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

function fileWith(text: string): string {
  const dir = tempDir();
  dirs.push(dir);
  const file = join(dir.path, 'collections.json');
  writeFileSync(file, text);
  return file;
}

function refusal(file: string): string {
  try {
    readCollectionsFile(file);
  } catch (err) {
    expect(err).toBeInstanceOf(SseHubError);
    expect((err as SseHubError).code).toBe('INVALID_CONFIG');
    return (err as Error).message;
  }
  throw new Error('accepted');
}

describe('readCollectionsFile', () => {
  it('reads collections with a schema and rules', () => {
    const config = { messages: { schema: { type: 'object' }, rules: { read: 'true' } }, empty: {} };
    expect(readCollectionsFile(fileWith(JSON.stringify(config)))).toEqual(config);
  });

  it('names a file it cannot read or parse', () => {
    const missing = join(fileWith('{}'), 'nope.json');
    expect(refusal(missing)).toMatch(new RegExp(`^Cannot read the collections file ${missing}: ENOTDIR`));
    const broken = fileWith('{not json');
    expect(refusal(broken)).toMatch(new RegExp(`^Cannot read the collections file ${broken}: `));
  });

  it('needs a JSON object of objects', () => {
    for (const text of ['[]', 'null', '"x"', '3']) {
      const file = fileWith(text);
      expect(refusal(file)).toBe(
        `The collections file ${file} must hold a JSON object such as {"messages": {"schema": {"type": "object"}}}`,
      );
    }
    for (const value of ['[]', 'null', '"x"']) {
      const file = fileWith(`{"tasks": ${value}}`);
      expect(refusal(file)).toBe(`In ${file}, "tasks" must be an object of settings (schema, rules)`);
    }
  });

  it('names unknown settings', () => {
    const file = fileWith('{"tasks": {"schema": {}, "rule": {}, "limit": 3}}');
    expect(refusal(file)).toBe(`In ${file}, "tasks" has unknown settings: rule, limit`);
  });
});
