import { readSettingsFile } from '../config/settings-file.js';
import type { CollectionConfig } from './collections.js';

/**
 * Reads the `--collections <file>` JSON:
 * `{ "messages": { "schema": {...}, "rules": { "read": "true", "create": "auth != null" } } }`.
 * Names, schemas and rules are checked when the hub starts (INVALID_CONFIG).
 */
export function readCollectionsFile(file: string): Record<string, CollectionConfig> {
  return readSettingsFile(file, 'collections', ['schema', 'rules'], '{"messages": {"schema": {"type": "object"}}}');
}
