// Owns what a stream looks like after each step, while planning: its top-level fields and their JSON schemas, its
// primary key and cursor. Steps ask it whether a field exists and tell it what they change; at the end it writes the
// configured stream the destination gets (mapped json_schema, `required`, primary_key, cursor_field, and the
// source's suggested key and cursor). A schema that lists no `properties` accepts any field name, as the catalog
// checks do. Keys and cursors are field paths: a step changes their first element only.
import type { ConfiguredAirbyteStream } from '../../protocol/types.generated.js';
import { isPlainObject } from './step-definition.js';

/** What a key or cursor is, for messages, when a step would remove one of its fields. */
export type KeyRole = 'primary key' | 'cursor';

export class SchemaShape {
  /** The schema without `properties` and `required`. */
  #rest: Record<string, unknown>;
  /** Fields in order with their schemas; undefined when the schema lists none (any name is accepted). */
  #properties: Map<string, unknown> | undefined;
  #required: string[] | undefined;
  #primaryKey: string[][] | undefined;
  #cursor: string[] | undefined;
  #sourcePrimaryKey: string[][] | undefined;
  #sourceCursor: string[] | undefined;
  /** True while the cursor must stay (an incremental stream reads it). */
  readonly #cursorInUse: boolean;

  constructor(configured: ConfiguredAirbyteStream) {
    const { properties, required, ...rest } = configured.stream.json_schema;
    this.#rest = rest;
    this.#properties = isPlainObject(properties) ? new Map(Object.entries(properties)) : undefined;
    this.#required = Array.isArray(required) ? required.filter((name): name is string => typeof name === 'string') : undefined;
    this.#primaryKey = configured.primary_key;
    this.#cursor = configured.cursor_field;
    this.#sourcePrimaryKey = configured.stream.source_defined_primary_key;
    this.#sourceCursor = configured.stream.default_cursor_field;
    this.#cursorInUse = configured.sync_mode === 'incremental';
  }

  /** Whether the schema lists its fields (else any name is accepted). */
  get listsFields(): boolean {
    return this.#properties !== undefined;
  }

  has(field: string): boolean {
    return this.#properties === undefined || this.#properties.has(field);
  }

  fieldNames(): string[] {
    return [...(this.#properties?.keys() ?? [])];
  }

  /** Whether removing `field` would break the primary key or the cursor of an incremental stream. */
  roleOf(field: string): KeyRole | undefined {
    const key = this.#primaryKey ?? this.#sourcePrimaryKey;
    if (key?.some((path) => path[0] === field)) return 'primary key';
    const cursor = this.#cursor ?? this.#sourceCursor;
    if (this.#cursorInUse && cursor?.[0] === field) return 'cursor';
    return undefined;
  }

  /** Keeps only `fields`, in their order; a key or cursor naming a removed field is dropped (roleOf guards those in use). */
  select(fields: readonly string[]): void {
    const kept = new Set(fields);
    if (this.#properties !== undefined) {
      const properties = this.#properties;
      this.#properties = new Map(fields.map((field) => [field, properties.get(field)]));
    }
    if (this.#required) this.#required = this.#required.filter((name) => kept.has(name));
    const keepKey = (key: string[][] | undefined) => (key?.every((path) => kept.has(path[0]!)) ? key : undefined);
    const keepCursor = (cursor: string[] | undefined) => (cursor && kept.has(cursor[0]!) ? cursor : undefined);
    this.#primaryKey = keepKey(this.#primaryKey);
    this.#sourcePrimaryKey = keepKey(this.#sourcePrimaryKey);
    this.#cursor = keepCursor(this.#cursor);
    this.#sourceCursor = keepCursor(this.#sourceCursor);
  }

  rename(from: string, to: string): void {
    if (this.#properties !== undefined) {
      this.#properties = new Map([...this.#properties].map(([name, schema]) => [name === from ? to : name, schema]));
    }
    if (this.#required) this.#required = this.#required.map((name) => (name === from ? to : name));
    const renameKey = (key: string[][] | undefined) => key?.map((path) => renamePath(path, from, to));
    this.#primaryKey = renameKey(this.#primaryKey);
    this.#sourcePrimaryKey = renameKey(this.#sourcePrimaryKey);
    this.#cursor = this.#cursor && renamePath(this.#cursor, from, to);
    this.#sourceCursor = this.#sourceCursor && renamePath(this.#sourceCursor, from, to);
  }

  /** Sets the schema of `field`, adding it at the end when it is new (nothing to do when no fields are listed). */
  setField(field: string, schema: Record<string, unknown>): void {
    this.#properties?.set(field, schema);
  }

  /**
   * Makes `field` a string computed from `from` (a hash or a ciphertext). Null stays null, so the string is nullable
   * when `from` may be null (its schema says so, or says nothing of its type) or when `nulledOnError` (on_error: skip
   * nulls a value the step cannot map).
   */
  setStringFrom(field: string, from: string, nulledOnError: boolean): void {
    const nullable = nulledOnError || mayBeNull(this.#properties?.get(from));
    this.setField(field, { type: nullable ? ['null', 'string'] : 'string' });
  }

  /** A step replaced the whole record: its fields are unknown from here on. */
  forgetFields(): void {
    this.#rest = { type: 'object' };
    this.#properties = undefined;
    this.#required = undefined;
  }

  /** The configured stream the destination gets. */
  configure(configured: ConfiguredAirbyteStream): ConfiguredAirbyteStream {
    const {
      primary_key: _key,
      cursor_field: _cursor,
      stream: { source_defined_primary_key: _sourceKey, default_cursor_field: _sourceCursor, ...stream },
      ...rest
    } = configured;
    const jsonSchema: Record<string, unknown> = { ...this.#rest };
    if (this.#properties !== undefined) jsonSchema['properties'] = Object.fromEntries(this.#properties);
    if (this.#required !== undefined) jsonSchema['required'] = this.#required;
    return {
      ...rest,
      stream: {
        ...stream,
        json_schema: jsonSchema,
        ...(this.#sourcePrimaryKey ? { source_defined_primary_key: this.#sourcePrimaryKey } : {}),
        ...(this.#sourceCursor ? { default_cursor_field: this.#sourceCursor } : {}),
      },
      ...(this.#cursor ? { cursor_field: this.#cursor } : {}),
      ...(this.#primaryKey ? { primary_key: this.#primaryKey } : {}),
    };
  }
}

/** Whether a field's JSON schema admits null: it names `null` among its types, or names no type at all. */
function mayBeNull(schema: unknown): boolean {
  if (!isPlainObject(schema)) return true;
  const type = schema['type'];
  if (type === 'null') return true;
  if (typeof type === 'string') return schema['nullable'] === true;
  return Array.isArray(type) ? type.includes('null') : true;
}

function renamePath(path: string[], from: string, to: string): string[] {
  return path[0] === from ? [to, ...path.slice(1)] : path;
}
