import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorStatus } from '../src/errors.js';

const root = join(import.meta.dirname, '..');

/** The `| \`CODE\` | status |` rows of docs/errors.md. */
function documented(): Map<string, number> {
  const rows = new Map<string, number>();
  for (const match of readFileSync(join(root, 'docs/errors.md'), 'utf8').matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)) {
    rows.set(match[1] as string, Number(match[2]));
  }
  return rows;
}

/** Every source file under src/ but errors.ts itself and tests. */
function sources(dir = join(root, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    if (!/\.tsx?$/.test(entry.name) || entry.name.endsWith('.test.ts') || path.endsWith(join('src', 'errors.ts'))) {
      return [];
    }
    return [path];
  });
}

describe('error codes', () => {
  it('every code has a row in docs/errors.md with its status, and every row is a code', () => {
    const docs = documented();
    expect(Object.fromEntries(docs)).toEqual(errorStatus);
  });

  it('every code is raised somewhere in src/ (named as a string literal outside errors.ts)', () => {
    const text = sources()
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const neverRaised = Object.keys(errorStatus).filter((code) => !new RegExp(`['"\`]${code}['"\`]`).test(text));
    expect(neverRaised).toEqual([]);
  });
});
