import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp-dir.js';

export interface SelfSignedCert {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
  dir: string;
  remove(): void;
}

/** A self-signed certificate for localhost/127.0.0.1, made with openssl for the test (EC P-256: fast). */
export function selfSignedCert(name = 'localhost'): SelfSignedCert {
  const dir = tempDir('ssehub-tls-');
  const certFile = join(dir.path, 'cert.pem');
  const keyFile = join(dir.path, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      `subjectAltName=DNS:${name},IP:127.0.0.1`,
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return {
    cert: readFileSync(certFile, 'utf8'),
    key: readFileSync(keyFile, 'utf8'),
    certFile,
    keyFile,
    dir: dir.path,
    remove: dir.remove,
  };
}
