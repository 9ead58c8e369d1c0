import { readFileSync } from 'node:fs';
import { SseHubError } from '../errors.js';

/**
 * Reads `--tls-cert` / `--tls-key` at start, naming the flag when the file is
 * missing or unreadable (a private key readable only by root, say). Whether the
 * text is PEM and the pair matches is checked by `serve()` (transport options).
 */
export function readTlsFiles(cert: string | undefined, key: string | undefined): { tlsCert?: string; tlsKey?: string } {
  if (cert === undefined && key === undefined) return {};
  if (cert === undefined || key === undefined) {
    throw new SseHubError('INVALID_CONFIG', '--tls-cert and --tls-key go together: give the certificate and its key');
  }
  return { tlsCert: readPem(cert, '--tls-cert'), tlsKey: readPem(key, '--tls-key') };
}

function readPem(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new SseHubError('INVALID_CONFIG', `${flag}: cannot read ${file}: ${(err as Error).message}`, undefined, {
      cause: err,
    });
  }
}
