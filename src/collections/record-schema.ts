import { z } from 'zod';
import { describeIssues } from '../config/hub-options.js';
import { SseHubError } from '../errors.js';
import type { RecordData } from './collection-record.js';

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/**
 * The JSON Schema subset collections validate records with. Unknown keywords are
 * rejected when the schema is registered (never silently ignored).
 */
export interface JsonSchema {
  type?: JsonType | JsonType[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  title?: string;
  description?: string;
  $schema?: string;
}

/** A collection's schema: a {@link JsonSchema} whose root is `type: "object"`. */
export type RecordSchema = JsonSchema & { type: 'object' };

const jsonType = z.enum(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
const count = z.number().int().min(0);

const jsonSchema: z.ZodType<JsonSchema> = z.lazy(() =>
  z
    .object({
      type: z.union([jsonType, z.array(jsonType).min(1)]).optional(),
      properties: z.record(z.string(), jsonSchema).optional(),
      required: z.array(z.string()).optional(),
      additionalProperties: z.boolean().optional(),
      items: jsonSchema.optional(),
      minLength: count.optional(),
      maxLength: count.optional(),
      minimum: z.number().optional(),
      maximum: z.number().optional(),
      enum: z.array(z.unknown()).min(1).optional(),
      title: z.string().optional(),
      description: z.string().optional(),
      $schema: z.string().optional(),
    })
    .strict(),
);

/** Checks a schema given by a user; throws INVALID_SCHEMA naming the problem. */
export function parseRecordSchema(input: unknown, source = 'schema'): RecordSchema {
  const result = jsonSchema.safeParse(input);
  if (!result.success) {
    throw new SseHubError(
      'INVALID_SCHEMA',
      `Invalid ${source} (supported: type, properties, required, additionalProperties, items, minLength, maxLength, minimum, maximum, enum): ${describeIssues(result.error)}`,
    );
  }
  if (result.data.type !== 'object') {
    throw new SseHubError('INVALID_SCHEMA', `Invalid ${source}: the root must have "type": "object"`);
  }
  return result.data as RecordSchema;
}

/** Throws VALIDATION_FAILED (details: `field`, `reason`) at the first place `data` breaks `schema`. */
export function validateRecord(schema: RecordSchema, data: RecordData): void {
  const problem = check(schema, data, '');
  if (problem) {
    const field = problem.path || '(record)';
    throw new SseHubError('VALIDATION_FAILED', `Field "${field}" ${problem.reason}`, {
      field,
      reason: problem.reason,
    });
  }
}

interface Problem {
  path: string;
  reason: string;
}

function typeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

function hasType(value: unknown, types: readonly JsonType[]): boolean {
  const actual = typeOf(value);
  return types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
}

function join(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

function check(schema: JsonSchema, value: unknown, path: string): Problem | undefined {
  const fail = (reason: string) => ({ path, reason });
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!hasType(value, types)) return fail(`must be ${types.join(' or ')}, got ${typeOf(value)}`);
  }
  if (schema.enum && !schema.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) {
    return fail(`must be one of ${JSON.stringify(schema.enum)}`);
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) {
      return fail(`must be at least ${schema.minLength} characters`);
    }
    if (schema.maxLength !== undefined && length > schema.maxLength) {
      return fail(`must be at most ${schema.maxLength} characters`);
    }
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return fail(`must be at least ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) return fail(`must be at most ${schema.maximum}`);
  }
  if (Array.isArray(value) && schema.items) {
    for (let i = 0; i < value.length; i++) {
      const problem = check(schema.items, value[i], join(path, i));
      if (problem) return problem;
    }
  }
  if (typeOf(value) === 'object') return checkObject(schema, value as Record<string, unknown>, path);
  return undefined;
}

function checkObject(schema: JsonSchema, value: Record<string, unknown>, path: string): Problem | undefined {
  for (const key of schema.required ?? []) {
    if (!Object.hasOwn(value, key)) return { path: join(path, key), reason: 'is required' };
  }
  const properties = schema.properties ?? {};
  for (const [key, item] of Object.entries(value)) {
    const propertySchema = Object.hasOwn(properties, key) ? properties[key] : undefined;
    if (propertySchema) {
      const problem = check(propertySchema, item, join(path, key));
      if (problem) return problem;
    } else if (schema.additionalProperties === false) {
      return { path: join(path, key), reason: 'is not allowed (additionalProperties: false)' };
    }
  }
  return undefined;
}
