import { describe, expect, it } from 'vitest';
import { refusal } from '../../test/support/refusal.js';
import { parsePostgresCapture, qualifiedTable } from './capture-options.js';

describe('parsePostgresCapture', () => {
  it('names every bad setting under postgres.', () => {
    const err = refusal(() => parsePostgresCapture({ url: 'http://db', slot: 'Main' }));
    expect([err.code, err.message]).toEqual([
      'INVALID_CONFIG',
      'postgres.url: must be a postgres:// URL; postgres.slot: lower-case letters, digits and _',
    ]);
  });

  it('refuses per-table settings for a table that is not captured', () => {
    const err = refusal(() =>
      parsePostgresCapture({ url: 'postgres://db/x', capture: ['orders'], tables: { users: { rules: {} } } }),
    );
    expect(err.message).toBe('postgres.tables.users: the table is not captured; add it to --capture (public.orders)');
  });

  it('fills the defaults and qualifies bare table names', () => {
    const config = parsePostgresCapture({ url: 'postgres://db/x', capture: ['orders', 'sales.items'] });
    expect([config.slot, config.publication, config.collections]).toEqual(['ssehub', 'ssehub', true]);
    expect(config.capture.map(qualifiedTable)).toEqual(['public.orders', 'sales.items']);
  });
});
