// Owns the bytes of JSON's syntax for the byte scanners of protocol lines (envelope.ts, record-line.ts,
// object-members.ts): the structural characters, and what JSON calls whitespace (space, tab, line feed and carriage
// return, nothing else).

export const QUOTE = 0x22;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const OPEN_BRACKET = 0x5b;
export const BACKSLASH = 0x5c;
export const CLOSE_BRACKET = 0x5d;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;

/** Whether `byte` is JSON whitespace. */
export function isJsonSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/** The first position at or after `at` (before `end`) that is not JSON whitespace. */
export function skipJsonSpace(buffer: Buffer, at: number, end: number): number {
  let i = at;
  while (i < end && isJsonSpace(buffer[i]!)) i++;
  return i;
}
