// Owns what JSON calls whitespace, for the byte scanners of protocol lines (envelope.ts, record-line.ts,
// object-members.ts): space, tab, line feed and carriage return, and nothing else.

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
