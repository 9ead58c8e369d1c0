// @ts-nocheck
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  defaultMaxConnections,
  FALLBACK_OPEN_FILES,
  openFileLimit,
  socketLimit,
  streamHeadroom,
} from './open-file-limit.js';

const dir = { path: mkdtempSync(join(tmpdir(), 'ssehub-limits-')) };
afterAll(() => rmSync(dir.path, { recursive: true, force: true }));

function limitsFile(soft: string, hard = soft): string {
  const file = join(dir.path, `limits-${soft}`);
  writeFileSync(
    file,
    [
      'Limit                     Soft Limit           Hard Limit           Units     ',
      'Max cpu time              unlimited            unlimited            seconds   ',
      `Max open files            ${soft.padEnd(20)} ${hard.padEnd(20)} files     `,
      '',
    ].join('\n'),
  );
  return file;
}

describe('open-file limit', () => {
  it('reads the soft limit from /proc/self/limits', () => {
    expect(openFileLimit(limitsFile('2048', '4096'))).toBe(2048);
    expect(openFileLimit(limitsFile('unlimited'))).toBe(Number.MAX_SAFE_INTEGER);
    expect(openFileLimit('/proc/self/limits')).toBeGreaterThan(0);
  });

  it('falls back to a fixed value where there is no /proc', () => {
    expect(openFileLimit(join(dir.path, 'missing'))).toBe(FALLBACK_OPEN_FILES);
  });

  it('keeps 10% (at least 128) of the descriptors out of streams', () => {
    expect(streamHeadroom(20_000)).toBe(2_000);
    expect(defaultMaxConnections(20_000)).toBe(18_000);
    expect(defaultMaxConnections(2_048)).toBe(1_843);
    expect(defaultMaxConnections(1_024)).toBe(896);
    expect(defaultMaxConnections(100)).toBe(1);
    expect(socketLimit(2_048)).toBeGreaterThan(defaultMaxConnections(2_048));
  });
});
