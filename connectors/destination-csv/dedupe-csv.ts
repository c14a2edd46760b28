// Owns compacting a CSV file to one row per primary key: the row with the greatest cursor, the later one on a tie.
// Two passes over the file: the first finds each key's winning row number, the second copies the winners (in file
// order) into a side file renamed over the original. Memory grows with the number of distinct keys, not the file.
import type { CsvRecord } from '../kit/csv.js';
import { formatCsvRecord } from '../kit/csv.js';
import { compareCursors } from '../kit/cursor.js';
import { LosslessNumber, parseExact, stringifyExact } from '../kit/exact-json.js';
import { csvRecords, rewriteFile } from './csv-files.js';

export interface FieldRef {
  /** The column. */
  index: number;
  /** Inside the column's JSON, for a nested field; empty for the column itself. */
  path: string[];
}

export async function dedupeCsv(
  path: string,
  delimiter: string,
  keys: FieldRef[],
  cursor: (FieldRef & { numeric: boolean }) | undefined,
): Promise<void> {
  const winners = new Map<string, { row: number; cursor: unknown }>();
  let row = 0; // data rows count from 1; the header is skipped
  let header = true;
  for await (const record of csvRecords(path, delimiter)) {
    if (header) {
      header = false;
      continue;
    }
    row++;
    const key = stringifyExact(keys.map((ref) => valueOf(record, ref)));
    const value = cursor ? cursorValue(record, cursor) : undefined;
    const previous = winners.get(key);
    if (!previous || compareCursors(value, previous.cursor) >= 0) winners.set(key, { row, cursor: value });
  }
  if (winners.size === row) return; // every row is the only one of its key
  const keep = new Set<number>();
  for (const winner of winners.values()) keep.add(winner.row);
  await rewriteFile(path, async function* () {
    let index = 0;
    let header = true;
    for await (const record of csvRecords(path, delimiter)) {
      if (header) header = false;
      else if (!keep.has(++index)) continue;
      yield formatCsvRecord(record, delimiter);
    }
  });
}

function valueOf(record: CsvRecord, ref: FieldRef): unknown {
  const text = record[ref.index] ?? null;
  if (ref.path.length === 0 || text === null) return text;
  let value: unknown;
  try {
    value = parseExact(text);
  } catch {
    return undefined;
  }
  for (const key of ref.path) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

function cursorValue(record: CsvRecord, ref: FieldRef & { numeric: boolean }): unknown {
  const value = valueOf(record, ref);
  // Compared exactly, however many digits the number has.
  if (ref.numeric && typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return new LosslessNumber(value.trim());
  return value ?? undefined;
}
