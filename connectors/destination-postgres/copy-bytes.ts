// Owns writing one JSON value, as its bytes in the input line, into a COPY row for a column of a given type: the
// usual values are copied or escaped byte by byte (a plain string, a number, a date, JSON for jsonb, a string whose
// escapes are decoded here); anything else is decoded and handed to copy-values.ts, whose rules these follow exactly
// (same COPY text, same refusals), so the fast paths only ever save work.
import type { ColumnType } from './column-types.js';
import { converterFor, jsonFitsNumeric, type Converter } from './copy-values.js';
import type { CopyWriter } from './copy-writer.js';
import { skipValueBytes } from '../kit/record-bytes.js';

/**
 * Writes the COPY text of the JSON value that starts at `line[start]` (never null) and returns the index just after
 * the value (a converter finds the value's end as it reads it); when the column cannot store the value, returns the
 * complement (~) of that index instead, and what it wrote is the caller's to take back. `line` is one line.
 */
export type ByteConverter = (line: Buffer, start: number, out: CopyWriter) => number;

const QUOTE = 34;
const BACKSLASH = 92;
const MINUS = 45;

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 48 && c <= 57;
const isNumberStart = (c: number): boolean => c === MINUS || isDigit(c);

/** The slow path: the value decoded and converted as text by copy-values.ts. */
const viaText =
  (convert: Converter): ByteConverter =>
  (line, start, out) => {
    const end = skipValueBytes(line, start);
    const value = line.toString('utf8', start, end);
    const text = convert(value, 0, value.length);
    if (text === undefined) return ~end;
    out.text(text);
    return end;
  };

/** Writes `line[start, end)` with COPY's escapes (backslash, newline, carriage return, tab) and without NULs. */
export function writeEscaped(line: Uint8Array, start: number, end: number, out: CopyWriter): void {
  out.ensure(2 * (end - start));
  const buffer = out.buffer;
  let used = out.used;
  for (let i = start; i < end; i++) {
    const c = line[i]!;
    if (c > BACKSLASH || (c > 13 && c !== BACKSLASH)) buffer[used++] = c;
    else used = writeCopyAscii(buffer, used, c);
  }
  out.used = used;
}

/** Writes one ASCII character as COPY text: backslash, newline, carriage return and tab escaped, NUL left out. */
function writeCopyAscii(buffer: Uint8Array, used: number, c: number): number {
  if (c === BACKSLASH || c === 10 || c === 13 || c === 9) {
    buffer[used++] = BACKSLASH;
    buffer[used++] = c === BACKSLASH ? BACKSLASH : c === 10 ? 110 : c === 13 ? 114 : 116;
  } else if (c !== 0) buffer[used++] = c;
  return used;
}

/** The character each one-letter JSON escape stands for (by the byte after the backslash), or -1. */
const JSON_ESCAPES = new Int16Array(128).fill(-1);
for (const [letter, code] of [['"', 0x22], ['/', 0x2f], ['\\', 0x5c], ['n', 10], ['t', 9], ['r', 13], ['b', 8], ['f', 12]] as const) {
  JSON_ESCAPES[letter.charCodeAt(0)] = code;
}

const hexValue = (c: number): number => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1);

/** The code unit of the four hex digits at `i`, or -1. */
function hex4(line: Uint8Array, i: number): number {
  const a = hexValue(line[i]!);
  const b = hexValue(line[i + 1]!);
  const c = hexValue(line[i + 2]!);
  const d = hexValue(line[i + 3]!);
  return a < 0 || b < 0 || c < 0 || d < 0 ? -1 : (a << 12) | (b << 8) | (c << 4) | d;
}

/**
 * Writes the text of the JSON string at `line[start]` as COPY text: the bytes as they are up to the first escape,
 * then escapes decoded and COPY-escaped. Returns the index after the closing quote, or -1 (having written part of it)
 * for what JSON.parse would refuse, a lone surrogate, or no closing quote (the text path judges those).
 */
export function writeStringText(line: Uint8Array, start: number, out: CopyWriter): number {
  const length = line.length;
  // No escape writes more than its JSON form, and the string ends within the line.
  out.ensure(length - start);
  const buffer = out.buffer;
  let used = out.used;
  let control = false;
  let i = start + 1;
  for (; i < length; i++) {
    const c = line[i]!;
    if (c === QUOTE) {
      out.used = used;
      return i + 1;
    }
    if (c === BACKSLASH) break;
    if (c < 32) control = true;
    buffer[used++] = c;
  }
  if (i >= length || control) return -1;
  while (i < length) {
    const c = line[i]!;
    if (c === QUOTE) {
      out.used = used;
      return i + 1;
    }
    if (c !== BACKSLASH) {
      if (c < 32) return -1;
      buffer[used++] = c;
      i++;
      continue;
    }
    const e = line[i + 1];
    i += 2;
    const decoded = e !== undefined && e < 128 ? JSON_ESCAPES[e]! : -1;
    if (decoded >= 0) used = writeCopyAscii(buffer, used, decoded);
    else if (e === 117) {
      if (i + 4 > length) return -1;
      let code = hex4(line, i);
      i += 4;
      if (code < 0) return -1;
      if (code >= 0xd800 && code <= 0xdfff) {
        // Only a high surrogate followed by an escaped low one makes a character.
        if (code >= 0xdc00 || i + 6 > length || line[i] !== BACKSLASH || line[i + 1] !== 117) return -1;
        const low = hex4(line, i + 2);
        if (low < 0xdc00 || low > 0xdfff) return -1;
        i += 6;
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
      }
      used = writeCodePoint(buffer, used, code);
    } else return -1;
  }
  return -1;
}

/** A decoded character as COPY text in UTF-8: NUL dropped, the characters COPY escapes escaped. */
function writeCodePoint(buffer: Buffer, used: number, code: number): number {
  if (code < 0x80) return writeCopyAscii(buffer, used, code);
  if (code < 0x800) {
    buffer[used++] = 0xc0 | (code >> 6);
    buffer[used++] = 0x80 | (code & 0x3f);
  } else if (code < 0x10000) {
    buffer[used++] = 0xe0 | (code >> 12);
    buffer[used++] = 0x80 | ((code >> 6) & 0x3f);
    buffer[used++] = 0x80 | (code & 0x3f);
  } else {
    buffer[used++] = 0xf0 | (code >> 18);
    buffer[used++] = 0x80 | ((code >> 12) & 0x3f);
    buffer[used++] = 0x80 | ((code >> 6) & 0x3f);
    buffer[used++] = 0x80 | (code & 0x3f);
  }
  return used;
}

const textByText = viaText(converterFor('text'));

const toText: ByteConverter = (line, start, out) => {
  if (line[start] !== QUOTE) {
    const end = skipValueBytes(line, start);
    writeEscaped(line, start, end, out);
    return end;
  }
  const mark = out.used;
  const end = writeStringText(line, start, out);
  if (end >= 0) return end;
  out.used = mark;
  return textByText(line, start, out);
};

/** A number token: `-?` then 1 to 18 digits (fewer than 19 characters) is a bigint as it is. */
const bigintByText = viaText(converterFor('bigint'));
const toBigint: ByteConverter = (line, start, out) => {
  if (isNumberStart(line[start]!)) {
    const end = skipValueBytes(line, start);
    if (end - start < 19) {
      let i = line[start] === MINUS ? start + 1 : start;
      let plain = i < end;
      for (; i < end && plain; i++) plain = isDigit(line[i]);
      if (plain) {
        out.bytes(line, start, end);
        return end;
      }
    }
  }
  return bigintByText(line, start, out);
};

/** PostgreSQL's numeric holds up to this many fraction digits: a number token without exponent this long fits. */
const NUMERIC_FRACTION_DIGITS = 16383;
const numericByText = viaText(converterFor('numeric'));
const toNumeric: ByteConverter = (line, start, out) => {
  if (isNumberStart(line[start]!)) {
    const end = skipValueBytes(line, start);
    // fitsNumeric's own shortcuts: fewer than 8 characters, or no exponent and not past the fraction limit.
    let fits = end - start < 8;
    if (!fits && end - start <= NUMERIC_FRACTION_DIGITS) {
      fits = true;
      for (let i = start; i < end && fits; i++) fits = line[i] !== 101 && line[i] !== 69;
    }
    if (fits) {
      out.bytes(line, start, end);
      return end;
    }
  }
  return numericByText(line, start, out);
};

const booleanByText = viaText(converterFor('boolean'));
const toBoolean: ByteConverter = (line, start, out) => {
  const c = line[start]!;
  if (c === 116 || c === 102) {
    out.byte(c);
    return skipValueBytes(line, start);
  }
  return booleanByText(line, start, out);
};

const digitsAt = (line: Uint8Array, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) if (!isDigit(line[i])) return false;
  return true;
};

/** `YYYY-MM-DD` at `i`. */
const isPlainDate = (line: Uint8Array, i: number): boolean =>
  digitsAt(line, i, i + 4) && line[i + 4] === MINUS && digitsAt(line, i + 5, i + 7) && line[i + 7] === MINUS && digitsAt(line, i + 8, i + 10);

/** `YYYY-MM-DDThh:mm:ss[.f…][Z|±hh[:mm]]` (T or a space) in `line[i, end)`: copy-values.ts's isPlainTimestamp. */
function isPlainTimestamp(line: Uint8Array, i: number, end: number): boolean {
  if (end - i < 19 || !isPlainDate(line, i)) return false;
  const t = line[i + 10];
  if ((t !== 84 && t !== 32) || !digitsAt(line, i + 11, i + 13) || line[i + 13] !== 58 || !digitsAt(line, i + 14, i + 16) || line[i + 16] !== 58 || !digitsAt(line, i + 17, i + 19)) {
    return false;
  }
  let j = i + 19;
  if (j < end && line[j] === 46) {
    const first = ++j;
    while (j < end && isDigit(line[j])) j++;
    if (j === first) return false;
  }
  if (j === end) return true;
  const zone = line[j];
  if (zone === 90) return j + 1 === end;
  if (zone !== 43 && zone !== MINUS) return false;
  if (j + 3 === end) return digitsAt(line, j + 1, j + 3);
  return j + 6 === end && digitsAt(line, j + 1, j + 3) && line[j + 3] === 58 && digitsAt(line, j + 4, j + 6);
}

/** A string column whose usual form `plain` accepts (checked in the bytes within the quotes) is copied as it is. */
const plainString =
  (type: ColumnType, plain: (line: Uint8Array, start: number, end: number) => boolean): ByteConverter => {
    const byText = viaText(converterFor(type));
    return (line, start, out) => {
      if (line[start] === QUOTE) {
        // Copy up to the closing quote; an escape sends the value the text way.
        const length = line.length;
        out.ensure(length - start);
        const buffer = out.buffer;
        const mark = out.used;
        let used = mark;
        let i = start + 1;
        for (; i < length; i++) {
          const c = line[i]!;
          if (c === QUOTE || c === BACKSLASH) break;
          buffer[used++] = c;
        }
        if (line[i] === QUOTE && plain(line, start + 1, i)) {
          out.used = used;
          return i + 1;
        }
      }
      return byText(line, start, out);
    };
  };

/** JSON as it is, COPY-escaped (writeEscaped's rules), checked for numbers beyond numeric's range. */
const toJsonb: ByteConverter = (line, start, out) => {
  const end = skipValueBytes(line, start);
  out.ensure(2 * (end - start));
  const buffer = out.buffer;
  let used = out.used;
  // Only a digit then an exponent may be beyond numeric's range: look closer only then.
  let exponent = false;
  let previous = 0;
  for (let i = start; i < end; i++) {
    const c = line[i]!;
    if (c > BACKSLASH || (c > 13 && c !== BACKSLASH)) {
      buffer[used++] = c;
      if ((c === 101 || c === 69) && previous >= 48 && previous <= 57) exponent = true;
    } else if (c === BACKSLASH) {
      buffer[used++] = BACKSLASH;
      buffer[used++] = BACKSLASH;
    } else if (c === 10) {
      buffer[used++] = BACKSLASH;
      buffer[used++] = 110;
    } else if (c === 13) {
      buffer[used++] = BACKSLASH;
      buffer[used++] = 114;
    } else if (c === 9) {
      buffer[used++] = BACKSLASH;
      buffer[used++] = 116;
    } else if (c !== 0) buffer[used++] = c;
    previous = c;
  }
  out.used = used;
  return !exponent || jsonFitsNumeric(line.toString('utf8', start, end)) ? end : ~end;
};

const BYTE_CONVERTERS: Record<ColumnType, ByteConverter> = {
  bigint: toBigint,
  numeric: toNumeric,
  boolean: toBoolean,
  text: toText,
  date: plainString('date', (line, start, end) => end - start === 10 && isPlainDate(line, start)),
  'time without time zone': viaText(converterFor('time without time zone')),
  'time with time zone': viaText(converterFor('time with time zone')),
  'timestamp without time zone': plainString('timestamp without time zone', isPlainTimestamp),
  'timestamp with time zone': plainString('timestamp with time zone', isPlainTimestamp),
  jsonb: toJsonb,
  bytea: viaText(converterFor('bytea')),
};

export function byteConverterFor(type: ColumnType): ByteConverter {
  return BYTE_CONVERTERS[type];
}
