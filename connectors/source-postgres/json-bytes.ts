// Owns writing one PostgreSQL value's UTF-8 text as JSON, bytes to bytes: exactly the bytes that decoding the text,
// rendering it as record-json.ts always did (JSON.stringify for a string, the text itself for a number …) and
// encoding the result as UTF-8 would give, without making a string. Each writer copies `source[start, end)` into
// `out` at `at` and returns where it stopped; the caller makes room for MAX_GROWTH bytes per source byte, plus two
// quotes. Text that is not valid UTF-8 (possible only from a SQL_ASCII database) goes the string way, so its bad
// bytes still become U+FFFD as before.
import { isUtf8 } from 'node:buffer';

/** The most bytes one source byte can become: a control character written as \u00XX. */
export const MAX_GROWTH = 6;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** For each byte below 0x20 and for `"` and `\`: its escape as JSON.stringify writes it; otherwise undefined. */
const ESCAPES: Array<Buffer | undefined> = Array.from({ length: 256 }, (_, byte) => {
  if (byte >= 0x20 && byte !== QUOTE && byte !== BACKSLASH) return undefined;
  return Buffer.from(JSON.stringify(String.fromCharCode(byte)).slice(1, -1), 'latin1');
});

/** 1 for the bytes a JSON string holds as they are. */
const PLAIN = Uint8Array.from(ESCAPES, (escape) => (escape ? 0 : 1));

/** The text as a JSON string: quoted, with `"`, `\` and control characters escaped. */
export function writeString(source: Buffer, start: number, end: number, out: Buffer, at: number): number {
  const from = at;
  let o = at;
  let high = 0;
  out[o++] = QUOTE;
  for (let i = start; i < end; i++) {
    const byte = source[i]!;
    if (PLAIN[byte] === 1) {
      out[o++] = byte;
      high |= byte;
    } else {
      const escape = ESCAPES[byte]!;
      for (let k = 0; k < escape.length; k++) out[o++] = escape[k]!;
    }
  }
  out[o++] = QUOTE;
  if (high & 0x80 && !isUtf8(source.subarray(start, end))) {
    return from + out.write(JSON.stringify(source.toString('utf8', start, end)), from, 'utf8');
  }
  return o;
}

/** The text as it is (integers, jsonb, JSON the server rendered). */
export function writeVerbatim(source: Buffer, start: number, end: number, out: Buffer, at: number): number {
  if (end - start > 64) {
    source.copy(out, at, start, end);
    if (!isUtf8(source.subarray(start, end))) return at + out.write(source.toString('utf8', start, end), at, 'utf8');
    return at + end - start;
  }
  let o = at;
  let high = 0;
  for (let i = start; i < end; i++) {
    const byte = source[i]!;
    out[o++] = byte;
    high |= byte;
  }
  if (high & 0x80 && !isUtf8(source.subarray(start, end))) return at + out.write(source.toString('utf8', start, end), at, 'utf8');
  return o;
}

/** json's text as written, but a line break (only ever white space there) as a space: a record is one line. */
export function writeJson(source: Buffer, start: number, end: number, out: Buffer, at: number): number {
  const stop = writeVerbatim(source, start, end, out, at);
  for (let o = at; o < stop; o++) if (out[o] === 0x0a || out[o] === 0x0d) out[o] = 0x20;
  return stop;
}

/** A number's text when it is a valid JSON number, else (NaN, Infinity) as a string, as to_json writes them. */
export function writeNumber(source: Buffer, start: number, end: number, out: Buffer, at: number): number {
  return isJsonNumber(source, start, end) ? writeVerbatim(source, start, end, out, at) : writeString(source, start, end, out, at);
}

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');

/** bool's text is `true` or `false`. */
export function writeBoolean(source: Buffer, start: number, end: number, out: Buffer, at: number): number {
  const word = end - start === 4 && source[start] === 0x74 && source[start + 1] === 0x72 && source[start + 2] === 0x75 && source[start + 3] === 0x65 ? TRUE : FALSE;
  let o = at;
  for (let k = 0; k < word.length; k++) out[o++] = word[k]!;
  return o;
}

const isDigit = (byte: number | undefined): boolean => byte !== undefined && byte >= 0x30 && byte <= 0x39;

/** Whether the bytes match -?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)? whole. */
export function isJsonNumber(source: Buffer, start: number, end: number): boolean {
  let i = start;
  if (source[i] === 0x2d) i++;
  if (i >= end) return false;
  if (source[i] === 0x30) i++;
  else if (isDigit(source[i])) while (i < end && isDigit(source[i])) i++;
  else return false;
  if (i < end && source[i] === 0x2e) {
    i++;
    if (i >= end || !isDigit(source[i])) return false;
    while (i < end && isDigit(source[i])) i++;
  }
  if (i < end && (source[i] === 0x65 || source[i] === 0x45)) {
    i++;
    if (i < end && (source[i] === 0x2b || source[i] === 0x2d)) i++;
    if (i >= end || !isDigit(source[i])) return false;
    while (i < end && isDigit(source[i])) i++;
  }
  return i === end;
}
