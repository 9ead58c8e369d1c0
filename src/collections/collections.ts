import { assertAdmin } from '../auth/access.js';
import { OPEN_PRINCIPAL, type Principal } from '../auth/principal.js';
import type { RuleSources } from '../auth/rules.js';
import { SseHubError } from '../errors.js';
import { assertValueDepth } from '../protocol/json-depth.js';
import { CollectionAccess, type ReadFilter } from './collection-access.js';
import type { CollectionRecord, RecordData, WhereFilter } from './collection-record.js';
import type { CollectionStore, CollectionSummary, CollectionWrite, Snapshot } from './collection-store.js';
import { encodeCursor } from './list-query.js';
import { assertCollectionName, assertRecordId } from './names.js';
import { parseRecordSchema, type RecordSchema, validateRecord } from './record-schema.js';

/**
 * Settings of one collection given at start:
 * `collections: { messages: { schema: {...}, rules: { read: "true", create: "auth != null" } } }`.
 */
export interface CollectionConfig {
  /** A JSON Schema (draft 2020-12; see docs/collections.md); replaces any stored schema at start. */
  schema?: unknown;
  /** CEL rules per action; with auth on, an action without one is admin-only. */
  rules?: RuleSources;
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
/**
 * A list request skips records its read rule denies; it stops scanning after
 * this many and answers a short page with a cursor, so one request stays bounded.
 */
const MAX_LIST_SCAN = 5_000;

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
 *
 * Every method takes the principal it acts for (default: open, for trusted code)
 * and applies the collection's rules (see {@link CollectionAccess}); a denied
 * write throws before anything is written, so no change event is appended.
 */
export class Collections {
  readonly store: CollectionStore;
  readonly limits: CollectionLimits;
  readonly access: CollectionAccess;
  /** Compiled schemas by collection, with the stored text they were compiled from. */
  readonly #schemas = new Map<string, { text: string; schema: RecordSchema }>();

  constructor(store: CollectionStore, limits: CollectionLimits, access: CollectionAccess = new CollectionAccess()) {
    this.store = store;
    this.limits = limits;
    this.access = access;
  }

  /**
   * Checks and stores the schemas and compiles the rules given at start; throws
   * INVALID_CONFIG naming the collection (and, for a rule, the action and position).
   */
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
      if (settings.rules !== undefined) this.access.configure(name, settings.rules);
    }
    for (const [name, schema] of schemas) await this.setSchema(name, schema);
  }

  async insert(collection: string, data: unknown, principal: Principal = OPEN_PRINCIPAL): Promise<CollectionWrite> {
    assertCollectionName(collection);
    this.access.assertMayAttempt(principal, 'create', collection);
    const record = this.#checkData(data);
    const schema = await this.#schemaOf(collection);
    return this.store.insert(collection, record, (d) => {
      this.access.assert(principal, 'create', collection, { data: d });
      if (schema) validateRecord(schema, d);
    });
  }

  /** The record, or RECORD_NOT_FOUND; 401/403 when the read rule denies it. */
  async get(collection: string, id: string, principal: Principal = OPEN_PRINCIPAL): Promise<CollectionRecord> {
    assertCollectionName(collection);
    this.access.assertMayAttempt(principal, 'read', collection);
    const record = await this.store.get(collection, assertRecordId(id));
    if (!record) throw new SseHubError('RECORD_NOT_FOUND', `No record "${id}" in collection "${collection}"`);
    this.access.assert(principal, 'read', collection, { record });
    return record;
  }

  /**
   * A page of records in id (creation) order; an unknown collection is an empty
   * list. Records the read rule denies are left out: a page may then hold fewer
   * than `limit` records while `nextCursor` still says more may follow.
   */
  async list(
    collection: string,
    options: ListOptions = {},
    principal: Principal = OPEN_PRINCIPAL,
  ): Promise<RecordList> {
    assertCollectionName(collection);
    this.access.assertMayAttempt(principal, 'read', collection);
    const limit = options.limit ?? 100;
    const query = { limit, afterId: options.afterId, where: options.where ?? {} };
    const readable = this.access.readFilter(principal, collection);
    if (!readable) {
      const page = await this.store.list(collection, query);
      return { records: page.records, nextCursor: page.lastId === undefined ? null : encodeCursor(page.lastId) };
    }
    const records: CollectionRecord[] = [];
    let scanned = 0;
    for (;;) {
      const page = await this.store.list(collection, query);
      for (const [i, record] of page.records.entries()) {
        if (!readable(record)) continue;
        records.push(record);
        if (records.length === limit) {
          const more = i < page.records.length - 1 || page.lastId !== undefined;
          return { records, nextCursor: more ? encodeCursor(record.id) : null };
        }
      }
      if (page.lastId === undefined) return { records, nextCursor: null };
      query.afterId = page.lastId;
      scanned += page.records.length;
      if (scanned >= MAX_LIST_SCAN) return { records, nextCursor: encodeCursor(page.lastId) };
    }
  }

  /** Replaces the record's data. */
  async replace(
    collection: string,
    id: string,
    data: unknown,
    options: WriteOptions = {},
    principal: Principal = OPEN_PRINCIPAL,
  ): Promise<CollectionWrite> {
    assertCollectionName(collection);
    assertRecordId(id);
    this.access.assertMayAttempt(principal, 'update', collection);
    const next = this.#checkData(data);
    const schema = await this.#schemaOf(collection);
    return this.store.update(
      collection,
      id,
      (current) => {
        this.access.assert(principal, 'update', collection, { record: current, data: next });
        if (schema) validateRecord(schema, next);
        return next;
      },
      options.ifVersion,
    );
  }

  /** Shallow-merges `patch` into the record's data; a `null` value removes that field. */
  async patch(
    collection: string,
    id: string,
    patch: unknown,
    options: WriteOptions = {},
    principal: Principal = OPEN_PRINCIPAL,
  ): Promise<CollectionWrite> {
    assertCollectionName(collection);
    assertRecordId(id);
    this.access.assertMayAttempt(principal, 'update', collection);
    const changes = this.#checkObject(patch);
    const schema = await this.#schemaOf(collection);
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
        // The rule sees the stored record and the data after the merge: what will be written.
        this.access.assert(principal, 'update', collection, { record: current, data: next });
        if (schema) validateRecord(schema, next);
        return next;
      },
      options.ifVersion,
    );
  }

  async delete(
    collection: string,
    id: string,
    options: WriteOptions = {},
    principal: Principal = OPEN_PRINCIPAL,
  ): Promise<CollectionWrite> {
    assertCollectionName(collection);
    assertRecordId(id);
    this.access.assertMayAttempt(principal, 'delete', collection);
    return this.store.delete(collection, id, options.ifVersion, (current) =>
      this.access.assert(principal, 'delete', collection, { record: current }),
    );
  }

  /**
   * Every matching record the principal may read and the log position they were
   * read at (for live streams); the snapshot limits count only those records.
   */
  async snapshot(
    collection: string,
    where: WhereFilter = {},
    principal: Principal = OPEN_PRINCIPAL,
  ): Promise<Snapshot> {
    assertCollectionName(collection);
    this.access.assertMayAttempt(principal, 'read', collection);
    const readable: ReadFilter | undefined = this.access.readFilter(principal, collection);
    return this.store.snapshot(
      collection,
      where,
      { maxRecords: this.limits.maxSnapshotRecords, maxBytes: this.limits.maxSnapshotBytes },
      readable,
    );
  }

  /** Collections with records or a schema, and their record counts (admin only when auth is on: counts ignore rules). */
  async names(principal: Principal = OPEN_PRINCIPAL): Promise<CollectionSummary[]> {
    assertAdmin(principal, 'Listing collections');
    return this.store.collections();
  }

  /** The schema; readable by anyone who may read the collection. */
  async getSchema(collection: string, principal: Principal = OPEN_PRINCIPAL): Promise<RecordSchema | undefined> {
    assertCollectionName(collection);
    this.access.assertMayAttempt(principal, 'read', collection);
    return this.#schemaOf(collection);
  }

  /** Sets (or with undefined removes) the schema later writes are validated against; admin only. */
  async setSchema(
    collection: string,
    schema: unknown,
    principal: Principal = OPEN_PRINCIPAL,
  ): Promise<RecordSchema | undefined> {
    assertCollectionName(collection);
    assertAdmin(principal, 'Changing a collection schema');
    const parsed = schema === undefined ? undefined : parseRecordSchema(schema);
    await this.store.setSchema(collection, parsed);
    if (parsed) this.#schemas.set(collection, { text: JSON.stringify(parsed), schema: parsed });
    else this.#schemas.delete(collection);
    return parsed;
  }

  /**
   * The stored schema, read on every use: on a shared store another node may
   * have changed it. It is compiled only when its text differs from the one
   * compiled last.
   */
  async #schemaOf(collection: string): Promise<RecordSchema | undefined> {
    const stored = await this.store.getSchema(collection);
    if (!stored) {
      this.#schemas.delete(collection);
      return undefined;
    }
    const text = JSON.stringify(stored);
    const cached = this.#schemas.get(collection);
    if (cached?.text === text) return cached.schema;
    const schema = parseRecordSchema(stored);
    this.#schemas.set(collection, { text, schema });
    return schema;
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
