// @ts-nocheck
import { forbidden } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import { type CompiledRules, compileRules, type RuleAction, type RuleErrorReporter } from '../auth/rules.js';
import type { CollectionRecord, RecordData } from './collection-record.js';

/** Decides whether a principal may read a record; undefined from {@link CollectionAccess.readFilter} means "every record". */
export type ReadFilter = (record: CollectionRecord) => boolean;

const VERBS: Record<RuleAction, string> = {
  read: 'Reading records of',
  create: 'Creating records in',
  update: 'Updating records of',
  delete: 'Deleting records of',
};

/**
 * Who may do what to which record. Open mode and admin tokens bypass rules;
 * everyone else needs the collection's rule for the action to give `true`, and
 * an action without a rule is admin-only (so a collection nobody configured is
 * closed once auth is on).
 */
export class CollectionAccess {
  readonly #rules = new Map<string, CompiledRules>();
  readonly #onError: ((collection: string) => RuleErrorReporter) | undefined;

  constructor(onError?: (collection: string) => RuleErrorReporter) {
    this.#onError = onError;
  }

  /** Compiles a collection's rules; INVALID_CONFIG names `collections.<name>.rules.<action>` and the position. */
  configure(collection: string, sources: unknown): void {
    this.#rules.set(collection, compileRules(sources, `collections.${collection}.rules`, this.#onError?.(collection)));
  }

  static bypasses(principal: Principal): boolean {
    return principal.kind === 'open' || principal.rights.admin;
  }

  /** Whether a rule exists for the action (or the principal bypasses rules): the request can succeed at all. */
  mayAttempt(principal: Principal, action: RuleAction, collection: string): boolean {
    return CollectionAccess.bypasses(principal) || this.#rules.get(collection)?.has(action) === true;
  }

  /** Throws 401/403 unless the principal could do `action` on some record of the collection. */
  assertMayAttempt(principal: Principal, action: RuleAction, collection: string): void {
    if (!this.mayAttempt(principal, action, collection)) throw this.#refusal(principal, action, collection);
  }

  /** Throws 401/403 unless the rule for `action` allows it on this record and data. */
  assert(
    principal: Principal,
    action: RuleAction,
    collection: string,
    input: { record?: CollectionRecord | undefined; data?: RecordData | undefined },
  ): void {
    if (CollectionAccess.bypasses(principal)) return;
    const rules = this.#rules.get(collection);
    if (!rules?.allows(action, { auth: principal.claims, record: input.record, data: input.data })) {
      throw this.#refusal(principal, action, collection);
    }
  }

  /** The read rule as a record predicate for this principal; undefined when it may read every record. */
  readFilter(principal: Principal, collection: string): ReadFilter | undefined {
    if (CollectionAccess.bypasses(principal)) return undefined;
    const rules = this.#rules.get(collection);
    if (!rules?.has('read')) return () => false;
    const auth = principal.claims;
    return (record) => rules.allows('read', { auth, record });
  }

  /**
   * Equal for two principals whose read filters agree on every record: the claims
   * the read rule reads, not the whole identity, so streams of identities the rule
   * cannot tell apart share one view and one evaluation per change.
   */
  readKey(principal: Principal, collection: string): string {
    if (CollectionAccess.bypasses(principal)) return '*';
    return this.#rules.get(collection)?.authKey('read', principal.claims) ?? 'none';
  }

  #refusal(principal: Principal, action: RuleAction, collection: string) {
    const why = this.#rules.get(collection)?.has(action)
      ? 'is not permitted for this identity'
      : 'needs an admin token';
    return forbidden(principal, `${VERBS[action]} "${collection}" ${why}`);
  }
}
