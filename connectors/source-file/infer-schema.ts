// Owns guessing a stream's JSON schema from a sample of its rows, and converting CSV text to the guessed types.
// CSV cells are text: "12" is an integer, "1.5" a number, "true"/"false" a boolean, an RFC 3339 timestamp with a
// zone a date-time, YYYY-MM-DD a date, an empty cell null. JSON values keep their own types. Every type is nullable.

type Kind = 'null' | 'integer' | 'number' | 'boolean' | 'date-time' | 'date' | 'string' | 'object' | 'array';

const INTEGER = /^-?(?:0|[1-9]\d*)$/;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?$/;
const BOOLEAN = /^(?:true|false)$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:?\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function kindOfText(text: string | null): Kind {
  if (text === null) return 'null';
  if (INTEGER.test(text)) return Number.isSafeInteger(Number(text)) ? 'integer' : 'string';
  if (NUMBER.test(text)) return Number.isFinite(Number(text)) ? 'number' : 'string';
  if (BOOLEAN.test(text)) return 'boolean';
  if (DATE_TIME.test(text) && !Number.isNaN(Date.parse(text.replace(' ', 'T')))) return 'date-time';
  if (DATE.test(text) && !Number.isNaN(Date.parse(text))) return 'date';
  return 'string';
}

export function kindOfValue(value: unknown): Kind {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') {
    const kind = kindOfText(value);
    return kind === 'date-time' || kind === 'date' ? kind : 'string';
  }
  return Array.isArray(value) ? 'array' : 'object';
}

/** Collects the kinds seen in each column, in the order columns first appear. */
export class SchemaSample {
  readonly columns = new Map<string, Set<Kind>>();

  observe(row: Record<string, unknown>, text: boolean): void {
    for (const [name, value] of Object.entries(row)) {
      let kinds = this.columns.get(name);
      if (!kinds) this.columns.set(name, (kinds = new Set()));
      kinds.add(text ? kindOfText(value as string | null) : kindOfValue(value));
    }
  }

  /** Each column's single resolved kind, or undefined where kinds conflict (a mixed column). */
  resolved(name: string): Kind | undefined {
    const kinds = new Set(this.columns.get(name));
    kinds.delete('null');
    if (kinds.size === 0) return 'string';
    if (kinds.size === 2 && kinds.has('integer') && kinds.has('number')) return 'number';
    return kinds.size === 1 ? [...kinds][0] : undefined;
  }

  /** The JSON schema: for CSV a mixed column is a string; for JSON it is the union of what was seen. */
  schema(text: boolean): Record<string, unknown> {
    const properties: Record<string, unknown> = {};
    for (const name of this.columns.keys()) {
      const kind = this.resolved(name);
      if (kind !== undefined) properties[name] = schemaOf(kind);
      else if (text) properties[name] = schemaOf('string');
      else {
        const types = new Set<string>();
        for (const seen of this.columns.get(name)!) if (seen !== 'null') types.add(seen === 'date' || seen === 'date-time' ? 'string' : seen);
        if (types.has('integer') && types.has('number')) types.delete('integer');
        properties[name] = { type: ['null', ...types] };
      }
    }
    return { type: 'object', properties };
  }
}

function schemaOf(kind: Kind): Record<string, unknown> {
  switch (kind) {
    case 'date-time':
      return { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_with_timezone' };
    case 'date':
      return { type: ['null', 'string'], format: 'date' };
    case 'null':
      return { type: ['null', 'string'] };
    default:
      return { type: ['null', kind] };
  }
}

export type TextConverter = (row: Record<string, string | null>) => Record<string, unknown>;

/**
 * Converts CSV rows to the sample's types. A value that does not fit its column's type (one the sample did not
 * see) is sent as text, with one warning per column.
 */
export function textConverter(sample: SchemaSample, warn: (message: string) => void): TextConverter {
  const kinds = new Map<string, Kind | undefined>();
  for (const name of sample.columns.keys()) kinds.set(name, sample.resolved(name));
  const warned = new Set<string>();
  const misfit = (name: string, value: string, kind: string): string => {
    if (!warned.has(name)) {
      warned.add(name);
      warn(`column ${name}: ${JSON.stringify(value.slice(0, 40))} is not ${kind === 'integer' ? 'an' : 'a'} ${kind} like the sampled rows; sent as text (raise infer_rows to sample more rows)`);
    }
    return value;
  };
  return (row) => {
    const out: Record<string, unknown> = {};
    for (const name in row) {
      const value = row[name]!;
      const kind = kinds.get(name);
      if (value === null) out[name] = null;
      else if (kind === 'integer') out[name] = INTEGER.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : misfit(name, value, kind);
      else if (kind === 'number') out[name] = NUMBER.test(value) ? Number(value) : misfit(name, value, kind);
      else if (kind === 'boolean') out[name] = BOOLEAN.test(value) ? value.toLowerCase() === 'true' : misfit(name, value, kind);
      else out[name] = value;
    }
    return out;
  };
}
