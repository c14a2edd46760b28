// Owns what planning turns each step into: a closure over a record, built once per stream, with everything it needs
// (field names, digests, keys, compiled conditions and expressions) captured so the record path looks nothing up.
// A step that cannot apply to a record throws a StepFailure; the stream's policy (stream-mapper.ts) decides.
import { isExactNumber } from '../../protocol/exact-json.js';
import type { SpanRecord } from './span-record.js';

/** A RECORD message's `record` object as parsed: `data` is what steps read and write. */
export interface MappedRecord {
  data: RecordData;
  meta?: unknown;
  [key: string]: unknown;
}

export type RecordData = Record<string, unknown>;

export interface CompiledStep {
  /** `step 2 (hash)`, for messages. */
  readonly label: string;
  /** True when apply returns a promise (expression). */
  readonly isAsync: boolean;
  /** Applies the step to `record.data` (may replace it); false drops the record. Throws StepFailure. */
  apply(record: MappedRecord): boolean | Promise<boolean>;
  /**
   * Under `on_error: skip`, after apply threw `failure`: nulls the value that could not be mapped, pushes each field
   * it nulled onto `nulled`, and says whether the record is kept. Throws the failure again when nothing can be nulled.
   */
  recover(record: MappedRecord, failure: StepFailure, nulled: string[]): boolean;
  /**
   * The same step on the record's spans (span-record.ts), for steps that have it: true when applied, false when this
   * record must take the parse path instead (a value the span form cannot map exactly as apply would). Never drops.
   */
  applyToSpans?(record: SpanRecord): boolean;
}

/** A step that cannot apply to one record: the field (when there is one) and why, never the value (it may be personal). */
export class StepFailure {
  constructor(
    readonly field: string | undefined,
    readonly reason: string,
  ) {}
}

/**
 * A reader of one field of `data` built at plan time: a plain property read, except for a name an object inherits
 * (`constructor`, `toString`…), where only an own property counts.
 */
export function fieldReader(field: string): (data: RecordData) => unknown {
  if (field in Object.prototype) return (data) => (Object.hasOwn(data, field) ? data[field] : undefined);
  return (data) => data[field];
}

/** The JSON type of a value, for messages: `a boolean`, `an object`… */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (isExactNumber(value)) return 'a number';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'string') return 'a string';
  return `a ${typeof value}`;
}
