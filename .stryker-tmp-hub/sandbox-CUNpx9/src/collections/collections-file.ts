// @ts-nocheck
import { readFileSync } from 'node:fs';
import { SseHubError } from '../errors.js';
import type { CollectionConfig } from './collections.js';

/**
 * Reads the `--collections <file>` JSON:
 * `{ "messages": { "schema": {...}, "rules": { "read": "true", "create": "auth != null" } } }`.
 * Names, schemas and rules are checked when the hub starts (INVALID_CONFIG).
 */
export function readCollectionsFile(file: string): Record<string, CollectionConfig> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SseHubError('INVALID_CONFIG', `Cannot read the collections file ${file}: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SseHubError(
      'INVALID_CONFIG',
      `The collections file ${file} must hold a JSON object such as {"messages": {"schema": {"type": "object"}}}`,
    );
  }
  for (const [name, settings] of Object.entries(parsed)) {
    if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
      throw new SseHubError('INVALID_CONFIG', `In ${file}, "${name}" must be an object such as {"schema": {...}}`);
    }
    const unknown = Object.keys(settings).filter((key) => key !== 'schema' && key !== 'rules');
    if (unknown.length > 0) {
      throw new SseHubError('INVALID_CONFIG', `In ${file}, "${name}" has unknown settings: ${unknown.join(', ')}`);
    }
  }
  return parsed as Record<string, CollectionConfig>;
}
