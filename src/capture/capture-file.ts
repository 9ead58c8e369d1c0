import { readSettingsFile } from '../config/settings-file.js';
import type { PostgresCaptureInput } from './capture-options.js';

/**
 * Reads the `--capture-config <file>` JSON, settings per captured table:
 * `{ "orders": { "rules": { "read": "row.customer == auth.sub" } } }`.
 * Table names and rules are checked when the hub starts (INVALID_CONFIG).
 */
export function readCaptureFile(file: string): NonNullable<PostgresCaptureInput['tables']> {
  return readSettingsFile(
    file,
    'capture config',
    ['rules'],
    '{"orders": {"rules": {"read": "row.owner == auth.sub"}}}',
  );
}
