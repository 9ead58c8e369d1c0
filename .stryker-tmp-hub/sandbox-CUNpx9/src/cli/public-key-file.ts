// @ts-nocheck
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SseHubError } from '../errors.js';

/**
 * Reads `--jwt-public-key` at start. The flag names a file, so a wrong path or
 * a private key given by mistake must stop the hub with the flag in the message,
 * not surface later as every token being refused.
 */
export function readPublicKeyFile(file: string, flag = '--jwt-public-key'): string {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SseHubError('INVALID_CONFIG', `${flag}: cannot read ${file}: ${(err as Error).message}`, undefined, {
      cause: err,
    });
  }
  if (!pem.includes('-----BEGIN PUBLIC KEY-----')) {
    const hint = pem.includes('PRIVATE KEY') ? ' (this is a private key: give the public half)' : '';
    throw new SseHubError(
      'INVALID_CONFIG',
      `${flag}: ${file} is not a PEM public key; expected "-----BEGIN PUBLIC KEY-----"${hint}`,
    );
  }
  try {
    createPublicKey(pem);
  } catch (err) {
    throw new SseHubError('INVALID_CONFIG', `${flag}: ${file} holds no readable public key: ${(err as Error).message}`);
  }
  return pem;
}
