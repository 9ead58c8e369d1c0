import { z } from 'zod';
import { parseConfig } from '../config/hub-options.js';
import { SseHubError } from '../errors.js';

/** Change capture from PostgreSQL (docs/postgres.md). Validated once, here. */
export const postgresCaptureSchema = z.strictObject({
  /** `postgres://user:password@host:port/database`. */
  url: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  /**
   * Tables to capture, `schema.table` (a bare name is in `public`). May be empty:
   * the collections' records table (stored here with `--postgres`) is captured anyway.
   */
  capture: z.array(z.string().regex(/^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*)?$/, 'must be schema.table')).default([]),
  /**
   * Keep live collections in this database (default), which makes them work in
   * a cluster; false keeps them in the embedded SQLite log (single node) and
   * leaves the database untouched but for capture.
   */
  collections: z.boolean().default(true),
  /** Replication slot name; one per deployment (the default `ssehub` suits one). */
  slot: z
    .string()
    .regex(/^[a-z0-9_]{1,63}$/, 'lower-case letters, digits and _')
    .default('ssehub'),
  /**
   * Per-table settings, by `schema.table` (a bare name is in `public`):
   * `{ "orders": { "rules": { "read": "row.customer == auth.sub" } } }` (docs/postgres.md).
   */
  tables: z.record(z.string(), z.strictObject({ rules: z.unknown().optional() })).default({}),
  /** Publication name. */
  publication: z
    .string()
    .regex(/^[A-Za-z_][\w$]{0,62}$/)
    .default('ssehub'),
});

export type PostgresCaptureInput = z.input<typeof postgresCaptureSchema>;
export type PostgresCaptureConfig = z.output<typeof postgresCaptureSchema>;

export function parsePostgresCapture(input: PostgresCaptureInput): PostgresCaptureConfig {
  const config = parseConfig(postgresCaptureSchema, input, '', 'postgres.');
  const tables = config.capture.map(qualifiedTable);
  for (const name of Object.keys(config.tables)) {
    if (!tables.includes(qualifiedTable(name))) {
      throw new SseHubError(
        'INVALID_CONFIG',
        `postgres.tables.${name}: the table is not captured; add it to --capture (${tables.join(', ')})`,
      );
    }
  }
  return config;
}

/** `orders` is `public.orders`. */
export function qualifiedTable(name: string): string {
  return name.includes('.') ? name : `public.${name}`;
}
