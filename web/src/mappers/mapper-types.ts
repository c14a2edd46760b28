// Owns the dashboard's view of a connection's mappers as the API shows and takes them (docs/mappers.md): per stream
// an error policy and ordered steps. Salts and keys come back masked as MASK; sending MASK back keeps the stored one.
export const MASK = '**********';

export type ConditionValue = string | number | boolean | null;
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

export type HashAlgorithm = 'sha256' | 'sha512' | 'md5';

export type MapperStep =
  | { type: 'select'; fields: string[] }
  | { type: 'rename'; field: string; to: string }
  | { type: 'hash'; field: string; algorithm?: HashAlgorithm; salt?: string; target?: 'replace' | 'new' }
  | { type: 'encrypt'; field: string; key: string }
  | { type: 'filter'; keep?: Condition; drop?: Condition }
  | { type: 'expression'; field?: string; expression: string };

export type StepType = MapperStep['type'];
export type OnError = 'fail' | 'skip';

export interface StreamMappers {
  on_error?: OnError;
  steps: MapperStep[];
}

export type Mappers = Record<string, StreamMappers>;

export const STEP_TYPES: ReadonlyArray<{ type: StepType; label: string; hint: string }> = [
  { type: 'select', label: 'Select fields', hint: 'keep only some fields' },
  { type: 'rename', label: 'Rename a field', hint: 'give a field another name' },
  { type: 'hash', label: 'Hash a field', hint: 'replace a value with its digest' },
  { type: 'encrypt', label: 'Encrypt a field', hint: 'AES-256-GCM with your key' },
  { type: 'filter', label: 'Filter rows', hint: 'keep or drop rows by a condition' },
  { type: 'expression', label: 'Expression (JSONata)', hint: 'compute a field or the whole record' },
];
