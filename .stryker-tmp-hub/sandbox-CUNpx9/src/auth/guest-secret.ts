// @ts-nocheck
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SseHubError } from '../errors.js';

/** The file in the data directory holding the secret guest tokens are signed with. */
export const GUEST_SECRET_FILE = 'guest-secret';

/**
 * The HS256 secret for guest tokens when no `jwtSecret` is configured: created
 * once in the data directory (mode 0600, readable by the hub's user only) so
 * guests stay signed in across restarts. `dataDir` undefined (an ephemeral hub)
 * gets a secret that lives as long as the process.
 */
export function guestSecret(dataDir: string | undefined): string {
  if (dataDir === undefined) return randomBytes(32).toString('base64url');
  const file = join(dataDir, GUEST_SECRET_FILE);
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    if (existing.length >= 32) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new SseHubError('INVALID_CONFIG', `Cannot read the guest secret ${file}: ${(err as Error).message}`);
    }
  }
  const secret = randomBytes(32).toString('base64url');
  // `wx`: never overwrite a secret another process created in between.
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return guestSecret(dataDir);
    throw new SseHubError('INVALID_CONFIG', `Cannot write the guest secret ${file}: ${(err as Error).message}`);
  }
  return secret;
}
