import type { Principal } from '../auth/principal.js';
import { type CompiledRules, compileRules, type RuleErrorReporter } from '../auth/rules.js';
import { SseHubError } from '../errors.js';
import type { Row } from './consistent-snapshot.js';

/** Decides whether a principal may read a row; undefined from {@link TableAccess.readFilter} means "every row". */
export type RowFilter = (row: Row) => boolean;

/**
 * Who may read which rows of captured tables: a table with a `read` rule (CEL over
 * `{auth, row}`, docs/postgres.md) shows a principal only the rows the rule gives
 * `true` for, on `/db/<table>/live` and on `/events` streams of `db/...` topics. A
 * table without a rule is readable as the subscribe rights say (the rights still
 * apply to every table). Open mode and admin tokens bypass rules.
 */
export class TableAccess {
  readonly #rules = new Map<string, CompiledRules>();
  readonly #onError: ((table: string) => RuleErrorReporter) | undefined;

  constructor(onError?: (table: string) => RuleErrorReporter) {
    this.#onError = onError;
  }

  /** Compiles a table's rules (only `read`: captured tables are written by the database, not through the hub). */
  configure(table: string, sources: unknown): void {
    const label = `postgres.tables.${table}.rules`;
    const rules = compileRules(sources, label, this.#onError?.(table));
    for (const action of ['create', 'update', 'delete'] as const) {
      if (rules.has(action)) {
        throw new SseHubError(
          'INVALID_CONFIG',
          `${label}.${action}: captured tables take only a "read" rule (their writes come from the database)`,
        );
      }
    }
    this.#rules.set(table, rules);
  }

  /** Tables with a read rule. */
  get ruled(): string[] {
    return [...this.#rules.keys()];
  }

  static bypasses(principal: Principal): boolean {
    return principal.kind === 'open' || principal.rights.admin;
  }

  /** The read rule as a row predicate for this principal; undefined when every row is readable. */
  readFilter(principal: Principal, table: string): RowFilter | undefined {
    const rules = this.#rules.get(table);
    if (!rules || TableAccess.bypasses(principal)) return undefined;
    const auth = principal.claims;
    return (row) => rules.allows('read', { auth, row });
  }

  /** Equal for principals whose read filters agree on every row (the claims the rule reads). */
  readKey(principal: Principal, table: string): string {
    const rules = this.#rules.get(table);
    if (!rules || TableAccess.bypasses(principal)) return '*';
    return rules.authKey('read', principal.claims);
  }
}
