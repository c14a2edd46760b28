// Owns the structural check of a RECORD line taken on the fast path: after its prefix has named the stream, the
// rest of the line must be well-formed JSON (no trailing text, no raw control characters in strings, valid
// numbers and literals, balanced brackets), with `record.data` an object, and no second `type`, `record`,
// `record.stream` or `record.data` key that a destination's parser would take instead of the first one (the
// destination would then see another stream than the one Sluice counted, or no record at all).
// One pass over the bytes, no allocation, no decoding: the hot path forwards the original bytes afterwards.
// UTF-8 validity is not checked here (the relay checks it once per chunk).
import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, OPEN_BRACE, OPEN_BRACKET, QUOTE, skipJsonSpace } from './json-syntax.js';

const OBJECT = 1;
const ARRAY = 2;

const SPACE = 0x20;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

// Keys that decide what a destination sees; each may appear once. Identified by their bytes (without quotes).
const KEY_OTHER = 0;
const KEY_TYPE = 1;
const KEY_RECORD = 2;
const KEY_STREAM = 3;
const KEY_DATA = 4;

/** Containers open at each depth (1 = the message, 2 = the record); reused across calls, grown when needed. */
let stack = new Uint8Array(64);

/** Whether the line last checked holds a number JSON.parse may change (read by recordLineHasLongNumber). */
let longNumberSeen = false;
/** Where the last line checked has its `record.data` object, `{` to `}` inclusive (read by recordLineDataStart/End). */
let dataStart = -1;
let dataEnd = -1;

/** The `record.data` object of the RECORD line recordLineProblem last passed: [start, end) in its buffer. */
export function recordLineDataStart(): number {
  return dataStart;
}

export function recordLineDataEnd(): number {
  return dataEnd;
}

/**
 * Whether the RECORD line recordLineProblem last passed holds a number a double may not keep: 16 or more digits
 * and dots from its first digit, or a three-digit exponent (exact-json.ts mayLoseDigits's rule, applied to numbers
 * only, not to digits inside strings). Found during the check's own pass, so a mapper needs no second scan.
 */
export function recordLineHasLongNumber(): boolean {
  return longNumberSeen;
}

/**
 * Checks `buffer[at, end)`, the rest of a RECORD line whose prefix `{"type":"RECORD","record":{"stream":"NAME"`
 * ended just before `at` (`lineStart` is where the line began, for the column in messages). Returns undefined
 * when the line is a well-formed RECORD, else the reason it is not.
 */
export function recordLineProblem(buffer: Buffer, lineStart: number, at: number, end: number): string | undefined {
  longNumberSeen = false;
  dataStart = -1;
  dataEnd = -1;
  stack[1] = OBJECT;
  stack[2] = OBJECT;
  let depth = 2;
  // The record object is still open (depth 2 is it); once closed, depth-2 containers are other values.
  let inRecord = true;
  let seenType = true;
  let seenRecord = true;
  let seenData = false;
  // The value being read is record.data's, which must be an object.
  let dataValue = false;
  let i = at;
  const column = (position: number): number => position - lineStart + 1;
  const unexpected = (position: number): string =>
    position >= end
      ? 'RECORD line is not valid JSON: it ends inside the message'
      : `RECORD line is not valid JSON: unexpected ${describeByte(buffer[position]!)} at column ${column(position)}`;

  // The loop starts after a value (the stream name) inside the record object.
  for (;;) {
    i = skipJsonSpace(buffer, i, end);
    if (i >= end) return unexpected(i);
    const closer = stack[depth] === OBJECT ? CLOSE_BRACE : CLOSE_BRACKET;
    let byte = buffer[i]!;
    if (byte === closer) {
      i++;
      if (depth === 3 && inRecord && dataEnd === -1 && dataStart !== -1) dataEnd = i;
      if (depth === 2 && inRecord) {
        if (!seenData) return 'RECORD message has no "record.data" object';
        inRecord = false;
      }
      depth--;
      if (depth === 0) {
        i = skipJsonSpace(buffer, i, end);
        return i === end ? undefined : `RECORD line is not valid JSON: unexpected text after the message at column ${column(i)}`;
      }
      continue;
    }
    if (byte !== COMMA) return unexpected(i);
    i++;

    // A member or an element follows; values open containers until a scalar (or an empty container) ends one.
    let inObject = stack[depth] === OBJECT;
    for (;;) {
      if (inObject) {
        i = skipJsonSpace(buffer, i, end);
        if (buffer[i] !== QUOTE || i >= end) return unexpected(i);
        const keyStart = i + 1;
        i = scanString(buffer, keyStart, end);
        if (i < 0) return stringProblem(buffer, lineStart, keyStart, end);
        if (depth <= 2 && (depth === 1 || inRecord)) {
          const key = keyOf(buffer, keyStart, i - 1, depth);
          if (key !== KEY_OTHER) {
            if (key === KEY_TYPE) {
              if (seenType) return 'RECORD message has two "type" keys';
              seenType = true;
            } else if (key === KEY_RECORD) {
              if (seenRecord) return 'RECORD message has two "record" keys';
              seenRecord = true;
            } else if (key === KEY_STREAM) {
              return 'RECORD message has two "record.stream" keys';
            } else {
              if (seenData) return 'RECORD message has two "record.data" keys';
              seenData = true;
              dataValue = true;
            }
          }
        }
        i = skipJsonSpace(buffer, i, end);
        if (buffer[i] !== COLON || i >= end) return unexpected(i);
        i++;
      }
      i = skipJsonSpace(buffer, i, end);
      if (i >= end) return unexpected(i);
      byte = buffer[i]!;
      const isData = dataValue;
      if (dataValue) {
        if (byte !== OPEN_BRACE) return 'RECORD message has no "record.data" object';
        dataValue = false;
        dataStart = i;
      }
      if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        i++;
        const opened = byte === OPEN_BRACE ? OBJECT : ARRAY;
        const next = skipJsonSpace(buffer, i, end);
        if (buffer[next] === (opened === OBJECT ? CLOSE_BRACE : CLOSE_BRACKET) && next < end) {
          i = next + 1;
          if (isData) dataEnd = i;
          break;
        }
        depth++;
        if (depth === stack.length) {
          const grown = new Uint8Array(stack.length * 2);
          grown.set(stack);
          stack = grown;
        }
        stack[depth] = opened;
        inObject = opened === OBJECT;
        continue;
      }
      if (byte === QUOTE) {
        const stringStart = i + 1;
        i = scanString(buffer, stringStart, end);
        if (i < 0) return stringProblem(buffer, lineStart, stringStart, end);
      } else if (byte === MINUS || (byte >= ZERO && byte <= NINE)) {
        const after = scanNumber(buffer, i, end);
        if (after < 0) return `RECORD line is not valid JSON: a malformed number at column ${column(i)}`;
        i = after;
      } else {
        const after = scanLiteral(buffer, i, end);
        if (after < 0) return unexpected(i);
        i = after;
      }
      break;
    }
  }
}

/** Where a string whose content starts at `at` ends (after its closing quote), or -1 if it is malformed. */
function scanString(buffer: Buffer, at: number, end: number): number {
  let i = at;
  while (i < end) {
    const byte = buffer[i]!;
    if (byte === QUOTE) return i + 1;
    if (byte < SPACE) return -1;
    if (byte === BACKSLASH) {
      const escaped = buffer[i + 1];
      if (escaped === 0x75 /* u */) {
        if (i + 5 >= end) return -1;
        for (let k = 2; k < 6; k++) if (!isHex(buffer[i + k])) return -1;
        i += 6;
        continue;
      }
      if (i + 1 >= end || !isSimpleEscape(escaped)) return -1;
      i += 2;
      continue;
    }
    i++;
  }
  return -1;
}

/** Says what is wrong with the string starting at `at`, known to be malformed. */
function stringProblem(buffer: Buffer, lineStart: number, at: number, end: number): string {
  let i = at;
  while (i < end) {
    const byte = buffer[i]!;
    if (byte < SPACE) {
      return `RECORD line is not valid JSON: a raw control character (0x${byte.toString(16).padStart(2, '0')}) in a string at column ${i - lineStart + 1}`;
    }
    if (byte === BACKSLASH) {
      const escaped = buffer[i + 1];
      const valid = escaped === 0x75 ? [2, 3, 4, 5].every((k) => i + k < end && isHex(buffer[i + k])) : isSimpleEscape(escaped) && i + 1 < end;
      if (!valid) return `RECORD line is not valid JSON: a malformed escape in a string at column ${i - lineStart + 1}`;
      i += escaped === 0x75 ? 6 : 2;
      continue;
    }
    if (byte === QUOTE) break;
    i++;
  }
  return 'RECORD line is not valid JSON: it ends inside a string';
}

function isSimpleEscape(byte: number | undefined): boolean {
  // " \ / b f n r t
  return byte === QUOTE || byte === BACKSLASH || byte === 0x2f || byte === 0x62 || byte === 0x66 || byte === 0x6e || byte === 0x72 || byte === 0x74;
}

function isHex(byte: number | undefined): boolean {
  if (byte === undefined) return false;
  return (byte >= ZERO && byte <= NINE) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);
}

/** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? ; returns where it ends, or -1. Notes a long number. */
function scanNumber(buffer: Buffer, at: number, end: number): number {
  let i = at;
  if (buffer[i] === MINUS) i++;
  if (i >= end) return -1;
  const first = i;
  if (buffer[i] === ZERO) i++;
  else {
    const digits = i;
    i = skipDigits(buffer, i, end);
    if (i === digits) return -1;
  }
  if (i < end && buffer[i] === DOT) {
    const digits = ++i;
    i = skipDigits(buffer, i, end);
    if (i === digits) return -1;
  }
  if (i - first >= 16) longNumberSeen = true;
  if (i < end && (buffer[i] === 0x65 || buffer[i] === 0x45) /* e E */) {
    i++;
    if (i < end && (buffer[i] === PLUS || buffer[i] === MINUS)) i++;
    const digits = i;
    i = skipDigits(buffer, i, end);
    if (i === digits) return -1;
    if (i - digits >= 3) longNumberSeen = true;
  }
  return i;
}

function skipDigits(buffer: Buffer, at: number, end: number): number {
  let i = at;
  while (i < end) {
    const byte = buffer[i]!;
    if (byte < ZERO || byte > NINE) break;
    i++;
  }
  return i;
}

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

function scanLiteral(buffer: Buffer, at: number, end: number): number {
  const literal = buffer[at] === 0x74 ? TRUE : buffer[at] === 0x66 ? FALSE : buffer[at] === 0x6e ? NULL : undefined;
  if (literal === undefined || at + literal.length > end) return -1;
  for (let k = 1; k < literal.length; k++) if (buffer[at + k] !== literal[k]) return -1;
  return at + literal.length;
}

const KEY_BYTES: Array<[Buffer, number, number]> = [
  [Buffer.from('type'), KEY_TYPE, 1],
  [Buffer.from('record'), KEY_RECORD, 1],
  [Buffer.from('stream'), KEY_STREAM, 2],
  [Buffer.from('data'), KEY_DATA, 2],
];

/** Which of the watched keys `buffer[start, end)` (a key's content, between its quotes) is at this depth. */
function keyOf(buffer: Buffer, start: number, end: number, depth: number): number {
  const length = end - start;
  if (length < 4) return KEY_OTHER;
  // A key written with escapes ("str\u0065am") is the same key to every parser: decode it (rare, not hot).
  let escaped = false;
  for (let i = start; i < end; i++) {
    if (buffer[i] === BACKSLASH) {
      escaped = true;
      break;
    }
  }
  if (escaped) {
    const key = JSON.parse(`"${buffer.toString('utf8', start, end)}"`) as string;
    for (const [bytes, id, at] of KEY_BYTES) if (at === depth && key === bytes.toString()) return id;
    return KEY_OTHER;
  }
  if (length > 6) return KEY_OTHER;
  for (const [bytes, id, at] of KEY_BYTES) {
    if (at !== depth || bytes.length !== length) continue;
    let same = true;
    for (let k = 0; k < length; k++) {
      if (buffer[start + k] !== bytes[k]) {
        same = false;
        break;
      }
    }
    if (same) return id;
  }
  return KEY_OTHER;
}

function describeByte(byte: number): string {
  return byte >= 0x21 && byte < 0x7f ? `"${String.fromCharCode(byte)}"` : `byte 0x${byte.toString(16).padStart(2, '0')}`;
}
