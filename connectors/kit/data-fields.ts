// Owns reading a record's top-level fields from its data's JSON text without parsing the object: one pass over the
// text finds where each wanted field's value starts and ends, and each value is then read from those characters
// (a string decoded only when it has escapes, a number kept as its text). A destination that writes columns
// (destination-csv, destination-sqlite) reads its columns this way instead of JSON.parse building every object,
// string and number of every record only to throw them away; numbers a double cannot hold never become doubles.
// The data is valid JSON (the kit checked it); duplicate keys keep the last value, as JSON.parse does.
import { isSafeNumber } from 'lossless-json';
import { JsonScanError, keyIs, skipSpace, skipString, skipValue, stringAt } from './record-scan.js';
import { parseExact, stringifyExact } from './exact-json.js';

const QUOTE = 34;

/** What a field holds, from its value's first character ('missing' when the data has no such field). */
export type ValueKind = 'missing' | 'string' | 'number' | 'true' | 'false' | 'null' | 'object' | 'array';

export class DataFields {
  /** The text last scanned, and each wanted field's value span in it (start -1: the field is absent). */
  text = '';
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly #quoted: string[];
  readonly #index = new Map<string, number>();

  /**
   * @param fields the fields to find, in column order
   * @param unknown called with each top-level key that is not one of `fields`
   */
  constructor(
    readonly fields: readonly string[],
    readonly unknown?: (field: string) => void,
  ) {
    this.starts = new Int32Array(fields.length);
    this.ends = new Int32Array(fields.length);
    this.#quoted = fields.map((field) => JSON.stringify(field));
    fields.forEach((field, i) => this.#index.set(field, i));
  }

  /** Finds the fields of the object `text`. Throws a JsonScanError when it is not an object. */
  scan(text: string): void {
    this.text = text;
    this.starts.fill(-1);
    const quoted = this.#quoted;
    let expected = 0; // fields usually come in schema order: try the next one before a lookup
    let i = skipSpace(text, 0);
    if (text.charCodeAt(i) !== 123) throw new JsonScanError(`expected an object at ${i}`);
    i = skipSpace(text, i + 1);
    if (text.charCodeAt(i) === 125) return;
    for (;;) {
      const keyEnd = skipString(text, i);
      let field = -1;
      if (expected < quoted.length && keyIs(text, i, keyEnd, quoted[expected]!)) field = expected;
      else {
        const key = stringAt(text, i, keyEnd);
        const found = this.#index.get(key);
        if (found !== undefined) field = found;
        else this.unknown?.(key);
      }
      const valueStart = skipSpace(text, skipSpace(text, keyEnd) + 1);
      const valueEnd = skipValue(text, valueStart);
      if (field >= 0) {
        this.starts[field] = valueStart;
        this.ends[field] = valueEnd;
        expected = field + 1;
      }
      i = skipSpace(text, valueEnd);
      if (text.charCodeAt(i) !== 44) return;
      i = skipSpace(text, i + 1);
    }
  }

  kind(field: number): ValueKind {
    const start = this.starts[field]!;
    if (start < 0) return 'missing';
    switch (this.text.charCodeAt(start)) {
      case QUOTE:
        return 'string';
      case 123:
        return 'object';
      case 91:
        return 'array';
      case 116:
        return 'true';
      case 102:
        return 'false';
      case 110:
        return 'null';
      default:
        return 'number';
    }
  }

  /** A string field's value, decoded. */
  string(field: number): string {
    return stringAt(this.text, this.starts[field]!, this.ends[field]!);
  }

  /** A field's JSON text as it is in the data. */
  raw(field: number): string {
    return this.text.slice(this.starts[field]!, this.ends[field]!);
  }

  /**
   * A number field as JSON.parse reads it, or, when `exact` allows (the record may hold long numbers) and a double
   * cannot hold it, its text: the rule exact-json.ts applies to a whole record.
   */
  number(field: number, exact: boolean): number | string {
    const text = this.raw(field);
    return exact && !isSafeNumber(text) ? text : Number(text);
  }

  /** A number field's text as String(JSON.parse(...)) writes it (`exact`: as number() reads it), a plain integer as is. */
  numberText(field: number, exact: () => boolean): string {
    const text = this.raw(field);
    return isPlainInteger(text) ? text : String(this.number(field, exact()));
  }

  /** An object or array field as JSON.stringify writes it (with stringifyExact when `exact`). */
  json(field: number, exact: boolean): string {
    const text = this.raw(field);
    return exact ? stringifyExact(parseExact(text)) : JSON.stringify(JSON.parse(text));
  }
}

/** An integer written the way String(Number(text)) writes it back: no sign but '-', no leading zero, 15 digits at most, not -0. */
export function isPlainInteger(text: string): boolean {
  const n = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  if (n - i > 15 || n === i) return false;
  const first = text.charCodeAt(i);
  if (first === 48) return n === 1;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
