// Owns writing command results to stdout: JSON for scripts, short human text otherwise; and the final error line.
import { describeError } from '../runtime/errors.js';
import { stringifyExactJson } from '../protocol/exact-json.js';

export function printJson(value: unknown): void {
  // Exact: `state show` prints state blobs with every digit.
  process.stdout.write(`${stringifyExactJson(value, 2)}\n`);
}

export function printLines(lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Lays out rows as aligned columns under a header. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const format = (row: string[]): string => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [format(header), ...rows.map(format)];
}

/** The one line a failed command leaves on stderr; the stack only when debugging. */
export function printError(error: unknown, withStack: boolean): void {
  process.stderr.write(`sluice: ${describeError(error)}\n`);
  if (withStack && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
}
