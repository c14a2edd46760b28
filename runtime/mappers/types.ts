// Owns the shapes of a connection's mappers as a user writes them (store, apply/export YAML, REST API): an object
// keyed by stream (`name`, or `namespace.name` when the stream has a namespace), each an error policy and an ordered
// list of steps applied to each RECORD's `data`. Fields are top-level property names of `data` (a name may contain
// dots: there is no path syntax). Secret-bearing properties: `hash.salt` and `encrypt.key`.

export type MappersDefinition = Record<string, StreamMappers>;

/** What a step does with a record it cannot map: fail the sync (default), or null the value and note it in meta.changes. */
export type OnError = 'fail' | 'skip';

export interface StreamMappers {
  on_error?: OnError;
  steps: MapperStep[];
}

export type MapperStep = SelectStep | RenameStep | HashStep | EncryptStep | FilterStep | ExpressionStep;

export type MapperStepType = MapperStep['type'];

/** Keeps only these fields (in this order); primary-key fields, and the cursor of an incremental stream, must be kept. */
export interface SelectStep {
  type: 'select';
  fields: string[];
}

/** Renames a field, in the records and in the primary key and cursor of the configured catalog. */
export interface RenameStep {
  type: 'rename';
  field: string;
  to: string;
}

export type HashAlgorithm = 'sha256' | 'sha512' | 'md5';

/** The hex digest of `salt + String(value)`: replaces the field (default) or goes to `<field>_hashed`. */
export interface HashStep {
  type: 'hash';
  field: string;
  /** sha256 when absent. */
  algorithm?: HashAlgorithm;
  /** A secret. */
  salt?: string;
  target?: 'replace' | 'new';
}

/** AES-256-GCM of the value's JSON text: `v1:` + base64(12-byte IV ‖ ciphertext ‖ 16-byte tag). */
export interface EncryptStep {
  type: 'encrypt';
  field: string;
  /** A secret: 64 hexadecimal characters (32 bytes). */
  key: string;
}

/** Keeps the records a condition holds for (`keep`) or drops them (`drop`); exactly one of the two. */
export interface FilterStep {
  type: 'filter';
  keep?: Condition;
  drop?: Condition;
}

/** A JSONata expression over `data`: its result becomes `field`, or, without `field`, the whole record (an object). */
export interface ExpressionStep {
  type: 'expression';
  field?: string;
  expression: string;
}

export type ConditionValue = string | number | boolean | null;

/**
 * A test of one record. Numbers compare as numbers and strings as strings; a comparison between different types is
 * false. `is_null: true` holds for a missing or null field, `is_null: false` for a present, non-null one.
 */
export type Condition =
  | { field: string; eq: ConditionValue }
  | { field: string; ne: ConditionValue }
  | { field: string; in: ConditionValue[] }
  | { field: string; lt: number | string }
  | { field: string; le: number | string }
  | { field: string; gt: number | string }
  | { field: string; ge: number | string }
  | { field: string; is_null: boolean }
  | { and: Condition[] }
  | { or: Condition[] }
  | { not: Condition };

/** What StreamMapper.map returns for a record a filter did not keep; the caller counts it per stream. */
export const DROPPED: unique symbol = Symbol('mapper.dropped');
