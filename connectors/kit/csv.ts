// Owns CSV text (RFC 4180) for connectors: a streaming parser fed chunks of text, and the quoting of one field.
// Convention shared by source-file and destination-csv: an empty unquoted field is null, a quoted empty field ("")
// is the empty string, so null and '' survive a round trip.

export type CsvRecord = Array<string | null>;

const QUOTE = 34; // "
const LF = 10;
const CR = 13;

export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError';
}

/**
 * Parses CSV incrementally: `push` a chunk of text, get the records it completed; `end` returns the last one.
 * Quoted fields may hold delimiters, doubled quotes and line breaks; records end at LF, CRLF or a lone CR.
 * Blank lines are skipped. Text after a closing quote and before the next delimiter is kept as is (lenient).
 */
export class CsvParser {
  readonly #delimiter: number;
  #record: CsvRecord = [];
  #field = '';
  #quoted = false;
  #inQuotes = false;
  /** The chunk ended right after a quote inside a quoted field: the next character decides what it was. */
  #quoteAtEnd = false;
  /** The last record ended with CR: an LF right after it belongs to the same line break. */
  #afterCr = false;
  #started = false;
  /** Records completed so far, blank lines not counted; the one in progress is number `records + 1`. */
  records = 0;

  constructor(delimiter = ',') {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new CsvSyntaxError(`the delimiter must be one character other than a quote or a line break (got ${JSON.stringify(delimiter)})`);
    }
    this.#delimiter = delimiter.charCodeAt(0);
  }

  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    const n = text.length;
    let i = 0;
    if (!this.#started && n > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) i = 1; // byte order mark
    }
    if (this.#quoteAtEnd && i < n) {
      this.#quoteAtEnd = false;
      if (text.charCodeAt(i) === QUOTE) {
        this.#field += '"';
        i++;
      } else this.#inQuotes = false;
    }
    while (i < n) {
      if (this.#inQuotes) {
        const quote = text.indexOf('"', i);
        if (quote === -1) {
          this.#field += text.slice(i);
          return out;
        }
        this.#field += text.slice(i, quote);
        if (quote + 1 === n) {
          this.#quoteAtEnd = true;
          return out;
        }
        if (text.charCodeAt(quote + 1) === QUOTE) {
          this.#field += '"';
          i = quote + 2;
        } else {
          this.#inQuotes = false;
          i = quote + 1;
        }
        continue;
      }
      const c = text.charCodeAt(i);
      if (this.#afterCr) {
        this.#afterCr = false;
        if (c === LF) {
          i++;
          continue;
        }
      }
      if (c === QUOTE && this.#field === '' && !this.#quoted) {
        this.#quoted = true;
        this.#inQuotes = true;
        i++;
        continue;
      }
      // Scan an unquoted run up to the next delimiter or line break.
      let j = i;
      let k = c;
      while (k !== this.#delimiter && k !== LF && k !== CR) {
        if (++j === n) break;
        k = text.charCodeAt(j);
      }
      if (j > i) this.#field += text.slice(i, j);
      if (j === n) return out;
      this.#endField();
      if (k === LF || k === CR) {
        this.#afterCr = k === CR;
        const record = this.#endRecord();
        if (record) out.push(record);
      }
      i = j + 1;
    }
    return out;
  }

  /** The end of input: returns the last record if the text did not end with a line break. */
  end(): CsvRecord[] {
    if (this.#inQuotes && !this.#quoteAtEnd) {
      throw new CsvSyntaxError(`record ${this.records + 1} has a quoted field that is never closed`);
    }
    this.#inQuotes = false;
    this.#quoteAtEnd = false;
    if (this.#record.length === 0 && this.#field === '' && !this.#quoted) return [];
    this.#endField();
    const record = this.#endRecord();
    return record ? [record] : [];
  }

  #endField(): void {
    this.#record.push(this.#field === '' && !this.#quoted ? null : this.#field);
    this.#field = '';
    this.#quoted = false;
  }

  #endRecord(): CsvRecord | undefined {
    const record = this.#record;
    this.#record = [];
    if (record.length === 1 && record[0] === null) return undefined; // a blank line
    this.records++;
    return record;
  }
}

/** One field as CSV text: null and undefined are empty, '' is `""`, text is quoted when it must be. */
export function formatCsvField(value: unknown, delimiter = ','): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (text === '') return '""';
  if (text.includes('"')) return `"${text.replaceAll('"', '""')}"`;
  if (text.includes(delimiter) || text.includes('\n') || text.includes('\r')) return `"${text}"`;
  return text;
}

/** One record as a CSV line ending in CRLF. */
export function formatCsvRecord(values: readonly unknown[], delimiter = ','): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i === 0 ? '' : delimiter) + formatCsvField(values[i], delimiter);
  return `${line}\r\n`;
}
