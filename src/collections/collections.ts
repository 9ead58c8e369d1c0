import { SseHubError } from '../errors.js';
import { assertValueDepth } from '../protocol/json-depth.js';
import type { CollectionRecord, RecordData, WhereFilter } from './collection-record.js';
import type { CollectionStore, CollectionSummary, CollectionWrite, Snapshot } from './collection-store.js';
import { encodeCursor } from './list-query.js';
import { assertCollectionName, assertRecordId } from './names.js';
import { parseRecordSchema, type RecordSchema, validateRecord } from './record-schema.js';

/** Settings of one collection given at start: `collections: { messages: { schema: {...} } }`. */
export interface CollectionConfig {
  /** A JSON Schema subset (see docs/collections.md); replaces any stored schema at start. */
  schema?: unknown;
}

export interface CollectionLimits {
  /** Largest record data (its JSON) in bytes. */
  maxRecordBytes: number;
  /** A live snapshot with more matching records is refused (SNAPSHOT_TOO_LARGE). */
  maxSnapshotRecords: number;
  /** A live snapshot whose records hold more data bytes is refused. */
  maxSnapshotBytes: number;
}

export const DEFAULT_MAX_SNAPSHOT_RECORDS = 10_000;
export const DEFAULT_MAX_SNAPSHOT_BYTES = 32 * 1024 * 1024;

export interface ListOptions {
  limit?: number;
  /** The `nextCursor` of the previous page. */
  afterId?: string | undefined;
  where?: WhereFilter;
}

export interface RecordList {
  records: CollectionRecord[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface WriteOptions {
  /** Only write if the record is at this version (HTTP `If-Match`); else VERSION_CONFLICT. */
  ifVersion?: number | undefined;
}

/**
 * Live collections: validated JSON records whose every write commits with a
 * change event on `collections/<name>` and `collections/<name>/<id>`. This is what
 * the HTTP routes call, and what `sseHub.collections` offers to code.
 */
export class Collections {
  readonly store: CollectionStore;
  readonly limits: CollectionLimits;
  readonly #schemas = new Map<string, RecordSchema | undefined>();

  constructor(store: CollectionStore, limits: CollectionLimits) {
    this.store = store;
    this.limits = limits;
  }

  /** Checks and stores the schemas given at start; throws INVALID_CONFIG naming the collection. */
  async configure(config: Readonly<Record<string, CollectionConfig>>): Promise<void> {
    const schemas: [string, RecordSchema][] = [];
    for (const [name, settings] of Object.entries(config)) {
      try {
        assertCollectionName(name);
        if (settings.schema !== undefined) schemas.push([name, parseRecordSchema(settings.schema)]);
      } catch (err) {
        throw new SseHubError('INVALID_CONFIG', `Invalid collections.${name}: ${(err as Error).message}`, undefined, {
          cause: err,
        });
      }
    }
    for (const [name, schema] of schemas) await this.setSchema(name, schema);
  }

  async insert(collection: string, data: unknown): Promise<CollectionWrite> {
    assertCollectionName(collection);
    const record = this.#checkData(data);
    const schema = await this.getSchema(collection);
    return this.store.insert(collection, record, schema && ((d) => validateRecord(schema, d)));
  }

  /** The record, or RECORD_NOT_FOUND. */
  async get(collection: string, id: string): Promise<CollectionRecord> {
    const record = await this.store.get(assertCollectionName(collection), assertRecordId(id));
    if (!record) throw new SseHubError('RECORD_NOT_FOUND', `No record "${id}" in collection "${collection}"`);
    return record;
  }

  /** A page of records in id (creation) order; an unknown collection is an empty list. */
  async list(collection: string, options: ListOptions = {}): Promise<RecordList> {
    const page = await this.store.list(assertCollectionName(collection), {
      limit: options.limit ?? 100,
      afterId: options.afterId,
      where: options.where ?? {},
    });
    return { records: page.records, nextCursor: page.lastId === undefined ? null : encodeCursor(page.lastId) };
  }

  /** Replaces the record's data. */
  async replace(collection: string, id: string, data: unknown, options: WriteOptions = {}): Promise<CollectionWrite> {
    assertCollectionName(collection);
    assertRecordId(id);
    const next = this.#checkData(data);
    const schema = await this.getSchema(collection);
    if (schema) validateRecord(schema, next);
    return this.store.update(collection, id, () => next, options.ifVersion);
  }

  /** Shallow-merges `patch` into the record's data; a `null` value removes that field. */
  async patch(collection: string, id: string, patch: unknown, options: WriteOptions = {}): Promise<CollectionWrite> {
    assertCollectionName(collection);
    assertRecordId(id);
    const changes = this.#checkObject(patch);
    const schema = await this.getSchema(collection);
    return this.store.update(
      collection,
      id,
      (current) => {
        const merged: Record<string, unknown> = Object.fromEntries(
          [...Object.entries(current.data), ...Object.entries(changes)].filter(
            ([key]) => !(Object.hasOwn(changes, key) && changes[key] === null),
          ),
        );
        const next = this.#checkData(merged);
        if (schema) validateRecord(schema, next);
        return next;
      },
      options.ifVersion,
    );
  }

  async delete(collection: string, id: string, options: WriteOptions = {}): Promise<CollectionWrite> {
    return this.store.delete(assertCollectionName(collection), assertRecordId(id), options.ifVersion);
  }

  /** Every matching record and the log position they were read at (for live streams). */
  async snapshot(collection: string, where: WhereFilter = {}): Promise<Snapshot> {
    return this.store.snapshot(assertCollectionName(collection), where, {
      maxRecords: this.limits.maxSnapshotRecords,
      maxBytes: this.limits.maxSnapshotBytes,
    });
  }

  /** Collections with records or a schema, and their record counts. */
  async names(): Promise<CollectionSummary[]> {
    return this.store.collections();
  }

  async getSchema(collection: string): Promise<RecordSchema | undefined> {
    assertCollectionName(collection);
    if (!this.#schemas.has(collection)) this.#schemas.set(collection, await this.store.getSchema(collection));
    return this.#schemas.get(collection);
  }

  /** Sets (or with undefined removes) the schema later writes are validated against. */
  async setSchema(collection: string, schema: unknown): Promise<RecordSchema | undefined> {
    assertCollectionName(collection);
    const parsed = schema === undefined ? undefined : parseRecordSchema(schema);
    await this.store.setSchema(collection, parsed);
    this.#schemas.set(collection, parsed);
    return parsed;
  }

  #checkObject(value: unknown): RecordData {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new SseHubError('INVALID_BODY', 'A record is a JSON object, such as {"text": "hello"}');
    }
    assertValueDepth(value); // records from code too: JSON.stringify below must not overflow the stack
    return value as RecordData;
  }

  #checkData(value: unknown): RecordData {
    const data = this.#checkObject(value);
    const size = Buffer.byteLength(JSON.stringify(data), 'utf8');
    if (size > this.limits.maxRecordBytes) {
      throw new SseHubError(
        'PAYLOAD_TOO_LARGE',
        `The record is ${size} bytes of JSON; the limit is ${this.limits.maxRecordBytes} bytes`,
      );
    }
    return data;
  }
}
