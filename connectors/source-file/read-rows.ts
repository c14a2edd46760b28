// Owns reading the rows of one input in its format: CSV (header row, then one object of text or null per record),
// JSON lines (one object per line) or a JSON array of objects (streamed element by element).
import { ConnectorError } from '../kit/run-connector.js';
import { CsvParser, CsvSyntaxError, type CsvRecord } from '../kit/csv.js';
import { JsonArrayScanner, JsonShapeError } from './json-array.js';
import { openText, type Compression, type Input } from './open-input.js';

export type Format = 'csv' | 'jsonl' | 'json';

export interface FileInput extends Input {
  format: Format;
  delimiter: string;
  compression: Compression;
}

/** The longest JSON line accepted, in characters. */
const MAX_LINE_CHARS = 64 * 1024 * 1024;

export function readRows(file: FileInput): AsyncGenerator<Record<string, unknown>> {
  switch (file.format) {
    case 'csv':
      return csvRows(file);
    case 'jsonl':
      return jsonLineRows(file);
    case 'json':
      return jsonArrayRows(file);
  }
}

async function* csvRows(file: FileInput): AsyncGenerator<Record<string, string | null>> {
  const parser = new CsvParser(file.delimiter);
  let header: string[] | undefined;
  const toRow = (record: CsvRecord): Record<string, string | null> | undefined => {
    if (!header) {
      header = columnNames(record);
      return undefined;
    }
    if (record.length > header.length && record.slice(header.length).some((value) => value !== null)) {
      throw new ConnectorError(
        `${file.location}: data row ${parser.records - 1} has ${record.length} fields but the header has ${header.length}`,
        'config_error',
      );
    }
    const row: Record<string, string | null> = {};
    for (let i = 0; i < header.length; i++) row[header[i]!] = record[i] ?? null;
    return row;
  };
  try {
    for await (const text of openText(file, file.compression)) {
      for (const record of parser.push(text)) {
        const row = toRow(record);
        if (row) yield row;
      }
    }
    for (const record of parser.end()) {
      const row = toRow(record);
      if (row) yield row;
    }
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new ConnectorError(`${file.location}: ${error.message}`, 'config_error');
    throw error;
  }
}

/** Header names: an empty one becomes column_N, a repeated one gets _2, _3… */
function columnNames(record: CsvRecord): string[] {
  const seen = new Set<string>();
  return record.map((value, index) => {
    let name = value === null || value.trim() === '' ? `column_${index + 1}` : value;
    for (let n = 2; seen.has(name); n++) name = `${value}_${n}`;
    seen.add(name);
    return name;
  });
}

async function* jsonLineRows(file: FileInput): AsyncGenerator<Record<string, unknown>> {
  let pending = '';
  let lineNumber = 0;
  const parse = (line: string): Record<string, unknown> | undefined => {
    lineNumber++;
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (text.trim() === '') return undefined;
    return asObject(parseJson(text, () => `${file.location} line ${lineNumber}`), () => `${file.location} line ${lineNumber}`);
  };
  for await (const text of openText(file, file.compression)) {
    let start = 0;
    let newline = text.indexOf('\n');
    while (newline !== -1) {
      const line = pending + text.slice(start, newline);
      pending = '';
      const row = parse(line);
      if (row) yield row;
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    pending += text.slice(start);
    if (pending.length > MAX_LINE_CHARS) {
      throw new ConnectorError(`${file.location} line ${lineNumber + 1} is longer than ${MAX_LINE_CHARS} characters`, 'config_error');
    }
  }
  const row = parse(pending);
  if (row) yield row;
}

async function* jsonArrayRows(file: FileInput): AsyncGenerator<Record<string, unknown>> {
  const scanner = new JsonArrayScanner();
  const where = (): string => `${file.location} element ${scanner.elements}`;
  try {
    for await (const text of openText(file, file.compression)) {
      for (const element of scanner.push(text)) yield asObject(parseJson(element, where), where);
    }
    scanner.end();
  } catch (error) {
    if (error instanceof JsonShapeError) throw new ConnectorError(`${file.location}: ${error.message}`, 'config_error');
    throw error;
  }
}

function parseJson(text: string, where: () => string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConnectorError(`${where()} is not valid JSON: ${(error as Error).message}`, 'config_error');
  }
}

function asObject(value: unknown, where: () => string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConnectorError(`${where()} is not a JSON object`, 'config_error');
  }
  return value as Record<string, unknown>;
}
