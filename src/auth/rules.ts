import { Environment } from '@marcbachmann/cel-js';
import { SseHubError } from '../errors.js';
import type { Claims } from './principal.js';

/** The actions a rule can govern. */
export const RULE_ACTIONS = ['read', 'create', 'update', 'delete'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

/** Rule sources as configured: a CEL expression per action; an action without one is admin-only. */
export type RuleSources = Partial<Record<RuleAction, string>>;

/**
 * What a rule sees: `auth` (the token's claims, or null), `record` (the stored
 * record, or null on create) and `data` (the incoming data, or null on read and
 * delete) for collections; `row` (a captured table's row) for captured tables.
 */
export interface RuleInput {
  auth: Claims | null;
  record?: unknown;
  data?: unknown;
  row?: unknown;
}

/** Called once per rule the first time it fails at run time (the failure counts as deny). */
export type RuleErrorReporter = (action: RuleAction, source: string, error: Error) => void;

type Program = (context: Record<string, unknown>) => unknown;

/**
 * One environment for every rule: the variables are declared (so an
 * unknown name fails at start, not at run time) and dynamically typed, since
 * records and claims are arbitrary JSON.
 */
let environment: Environment | undefined;
function celEnvironment(): Environment {
  environment ??= new Environment()
    .registerVariable('auth', 'dyn')
    .registerVariable('record', 'dyn')
    .registerVariable('data', 'dyn')
    .registerVariable('row', 'dyn');
  return environment;
}

/**
 * Which claims a rule reads: the fields of `auth.<field>` (and `has(auth.<field>)`),
 * or `whole` when it uses `auth` in any other way (passes it along, indexes it).
 * Comparing `auth` with null only reads whether there is a token.
 */
type AuthUse = { whole: true } | { whole: false; fields: readonly string[] };

/** A set of compiled rules: parsed and type-checked once, evaluated many times. */
export class CompiledRules {
  readonly #programs = new Map<RuleAction, { source: string; program: Program; authUse: AuthUse; reported: boolean }>();
  readonly #onError: RuleErrorReporter | undefined;

  constructor(programs: Iterable<[RuleAction, string, Program]>, onError?: RuleErrorReporter) {
    for (const [action, source, program] of programs) {
      this.#programs.set(action, { source, program, authUse: authUseOf(program), reported: false });
    }
    this.#onError = onError;
  }

  /**
   * A key equal for two sets of claims whenever the rule for `action` cannot tell
   * them apart: built from the claims the rule reads. Identities whose relevant
   * claims agree (the same rooms, the same role) share one evaluation per record.
   */
  authKey(action: RuleAction, auth: Claims | null): string {
    const entry = this.#programs.get(action);
    if (!entry) return '';
    if (auth === null) return 'null';
    const use = entry.authUse;
    if (use.whole) return JSON.stringify(auth);
    return JSON.stringify(use.fields.map((f) => (Object.hasOwn(auth, f) ? [auth[f]] : [])));
  }

  /** Whether a rule is configured for `action` (without one the action is admin-only). */
  has(action: RuleAction): boolean {
    return this.#programs.has(action);
  }

  /**
   * True only when the rule exists and evaluates to exactly `true`. Anything
   * else (no rule, false, a non-boolean, a run-time error such as a missing
   * field) denies: a rule can fail closed, never open.
   */
  allows(action: RuleAction, input: RuleInput): boolean {
    const entry = this.#programs.get(action);
    if (!entry) return false;
    try {
      return (
        entry.program({
          auth: input.auth ?? null,
          record: input.record ?? null,
          data: input.data ?? null,
          row: input.row ?? null,
        }) === true
      );
    } catch (err) {
      if (!entry.reported) {
        entry.reported = true;
        this.#onError?.(action, entry.source, err as Error);
      }
      return false;
    }
  }
}

/**
 * Compiles `{read, create, update, delete}` CEL rules. `label` names them in
 * errors (`collections.messages.rules`): a rule that does not parse or
 * type-check throws INVALID_CONFIG naming `<label>.<action>` and the line and
 * column of the problem.
 */
export function compileRules(sources: unknown, label: string, onError?: RuleErrorReporter): CompiledRules {
  if (typeof sources !== 'object' || sources === null || Array.isArray(sources)) {
    throw new SseHubError(
      'INVALID_CONFIG',
      `${label} must be an object of CEL expressions such as {"read": "true", "create": "auth != null"}`,
    );
  }
  const programs: [RuleAction, string, Program][] = [];
  for (const [action, source] of Object.entries(sources)) {
    if (!(RULE_ACTIONS as readonly string[]).includes(action)) {
      throw new SseHubError(
        'INVALID_CONFIG',
        `${label} has an unknown action "${action}" (allowed: ${RULE_ACTIONS.join(', ')})`,
      );
    }
    if (typeof source !== 'string' || source.trim() === '') {
      throw new SseHubError('INVALID_CONFIG', `${label}.${action} must be a non-empty CEL expression (a string)`);
    }
    programs.push([action as RuleAction, source, compileOne(source, `${label}.${action}`)]);
  }
  return new CompiledRules(programs, onError);
}

interface CelNode {
  op: string;
  args: unknown;
}

function isNode(value: unknown): value is CelNode {
  return typeof value === 'object' && value !== null && typeof (value as CelNode).op === 'string';
}

const isAuth = (node: unknown): boolean => isNode(node) && node.op === 'id' && node.args === 'auth';
const isNull = (node: unknown): boolean => isNode(node) && node.op === 'value' && node.args === null;

/** Walks the parsed rule for its uses of `auth` (see {@link AuthUse}). */
function authUseOf(program: Program): AuthUse {
  const fields = new Set<string>();
  let whole = false;
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (!isNode(value)) return;
    const args = value.args;
    if (value.op === 'id') {
      if (args === 'auth') whole = true; // reached only for uses not recognised below
      return;
    }
    if (value.op === '.' && Array.isArray(args) && isAuth(args[0]) && typeof args[1] === 'string') {
      fields.add(args[1]);
      return;
    }
    if ((value.op === '==' || value.op === '!=') && Array.isArray(args) && args.length === 2) {
      if ((isAuth(args[0]) && isNull(args[1])) || (isNull(args[0]) && isAuth(args[1]))) return;
    }
    visit(args);
  };
  visit((program as unknown as { ast: unknown }).ast);
  return whole ? { whole: true } : { whole: false, fields: [...fields].sort() };
}

function compileOne(source: string, name: string): Program {
  let program: ReturnType<Environment['parse']>;
  try {
    program = celEnvironment().parse(source);
  } catch (err) {
    throw invalidRule(name, source, err as CelError);
  }
  const checked = program.check();
  if (!checked.valid) throw invalidRule(name, source, checked.error as CelError);
  if (checked.type !== 'bool' && checked.type !== 'dyn') {
    throw new SseHubError('INVALID_CONFIG', `${name}: the rule must be a boolean expression; it gives ${checked.type}`);
  }
  return program as Program;
}

interface CelError extends Error {
  range?: { start: number } | undefined;
}

function invalidRule(name: string, source: string, err: CelError): SseHubError {
  const summary = err.message.split('\n')[0] ?? 'invalid expression';
  const at = err.range ? ` at ${position(source, err.range.start)}` : '';
  return new SseHubError('INVALID_CONFIG', `${name}: ${summary}${at}`, undefined, { cause: err });
}

/** A 0-based offset as `line L, column C` (both 1-based), as editors show it. */
function position(source: string, offset: number): string {
  const before = source.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before[before.length - 1]?.length ?? 0) + 1}`;
}
