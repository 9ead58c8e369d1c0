// @ts-nocheck
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import * as ajvFormats from 'ajv-formats';
import { SseHubError } from '../errors.js';
import type { RecordData } from './collection-record.js';

/** A JSON Schema document (draft 2020-12), as given by a user. */
export type JsonSchema = Record<string, unknown>;

/** A collection's schema: a {@link JsonSchema} whose root is `type: "object"`. */
export type RecordSchema = JsonSchema & { type: 'object' };

type FormatsPlugin = (ajv: Ajv2020) => Ajv2020;
/** ajv-formats is CommonJS: Node's ESM interop and TypeScript disagree on where its default export sits. */
const addFormatsTo: FormatsPlugin =
  (ajvFormats as unknown as { default: { default?: FormatsPlugin } & FormatsPlugin }).default.default ??
  (ajvFormats as unknown as { default: FormatsPlugin }).default;

/**
 * Compiled validators by schema object: each schema is compiled once, when it
 * is registered (or first used after being read back from the store).
 */
const compiled = new WeakMap<RecordSchema, ValidateFunction>();

/**
 * A fresh Ajv per schema: two schemas may use the same `$id`, and a replaced
 * schema's compiled code is then freed with its instance rather than kept in a
 * shared cache for the life of the process.
 */
function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    // Unknown keywords and formats are errors, never silently ignored.
    strict: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allErrors: false,
    logger: false,
  });
  addFormatsTo(ajv);
  return ajv;
}

/**
 * Checks and compiles a schema given by a user (full JSON Schema draft 2020-12:
 * `pattern`, `format`, `oneOf`, `$ref`, `$defs`...); throws INVALID_SCHEMA naming
 * the problem. Remote `$ref`s are not fetched: they fail here.
 */
export function parseRecordSchema(input: unknown, source = 'schema'): RecordSchema {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SseHubError('INVALID_SCHEMA', `Invalid ${source}: a schema is a JSON object such as {"type": "object"}`);
  }
  const schema = input as RecordSchema;
  if (schema.type !== 'object') {
    throw new SseHubError('INVALID_SCHEMA', `Invalid ${source}: the root must have "type": "object"`);
  }
  try {
    compiled.set(schema, newAjv().compile(schema));
  } catch (err) {
    throw new SseHubError('INVALID_SCHEMA', `Invalid ${source} (JSON Schema draft 2020-12): ${(err as Error).message}`);
  }
  return schema;
}

/** Throws VALIDATION_FAILED (details: `field`, `reason`) at the first place `data` breaks `schema`. */
export function validateRecord(schema: RecordSchema, data: RecordData): void {
  let validate = compiled.get(schema);
  if (!validate) {
    parseRecordSchema(schema);
    validate = compiled.get(schema) as ValidateFunction;
  }
  if (validate(data)) return;
  const error = (validate.errors ?? [])[0];
  const field = error ? fieldOf(error) : '(record)';
  const reason = error ? reasonOf(error) : 'is invalid';
  throw new SseHubError('VALIDATION_FAILED', `${field}: ${reason}`, { field, reason });
}

/** The failing field in dotted form (`meta.ok`, `tags.1`); `(record)` for the record itself. */
function fieldOf(error: ErrorObject): string {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  // `required` and `additionalProperties` are reported on the object; name the property.
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  if (error.keyword === 'required' && params.missingProperty !== undefined) path.push(params.missingProperty);
  if (error.keyword === 'additionalProperties' && params.additionalProperty !== undefined) {
    path.push(params.additionalProperty);
  }
  return path.length > 0 ? path.join('.') : '(record)';
}

function reasonOf(error: ErrorObject): string {
  if (error.keyword === 'required') return 'is required';
  if (error.keyword === 'additionalProperties') return 'is not allowed (additionalProperties: false)';
  if (error.keyword === 'enum') {
    return `must be one of ${JSON.stringify((error.params as { allowedValues: unknown[] }).allowedValues)}`;
  }
  return error.message ?? `breaks "${error.keyword}"`;
}
