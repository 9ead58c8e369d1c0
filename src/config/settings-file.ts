import { readFileSync } from 'node:fs';
import { SseHubError } from '../errors.js';

/**
 * Reads a JSON settings file of named entries, `{ "<name>": { "<setting>": … } }`
 * (`--collections`, `--capture-config`), checking its shape: an object of objects
 * with only the `allowed` settings. What the settings mean is checked where they
 * are used, when the hub starts (INVALID_CONFIG).
 */
export function readSettingsFile(
  file: string,
  what: string,
  allowed: readonly string[],
  example: string,
): Record<string, Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SseHubError('INVALID_CONFIG', `Cannot read the ${what} file ${file}: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SseHubError('INVALID_CONFIG', `The ${what} file ${file} must hold a JSON object such as ${example}`);
  }
  for (const [name, settings] of Object.entries(parsed)) {
    if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
      throw new SseHubError(
        'INVALID_CONFIG',
        `In ${file}, "${name}" must be an object of settings (${allowed.join(', ')})`,
      );
    }
    const unknown = Object.keys(settings).filter((key) => !allowed.includes(key));
    if (unknown.length > 0) {
      throw new SseHubError('INVALID_CONFIG', `In ${file}, "${name}" has unknown settings: ${unknown.join(', ')}`);
    }
  }
  return parsed as Record<string, Record<string, unknown>>;
}
