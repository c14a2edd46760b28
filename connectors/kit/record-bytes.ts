// Owns finding the parts of a RECORD line in its bytes (a Buffer holding one line), without decoding it to a string:
// the stream and namespace, emitted_at, where the data and meta values are, and a cursor over the members of an
// object. The byte twin of record-scan.ts (which reads strings; its rules are followed here, offsets are bytes):
// the compact form Sluice's sources write is read from its two ends, any other layout is walked member by member,
// and a line that is not JSON enough to walk throws a JsonScanError.
import { JsonScanError } from './record-scan.js';

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const COLON = 58;

const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9;

export function skipSpaceBytes(b: Uint8Array, i: number): number {
  while (i < b.length && isSpace(b[i]!)) i++;
  return i;
}

/** `b[i]` is an opening quote; returns the index after the closing one. */
export function skipStringBytes(b: Uint8Array, i: number): number {
  const length = b.length;
  for (i++; i < length; i++) {
    const c = b[i]!;
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) i++;
  }
  throw new JsonScanError('unterminated string');
}

/** Returns the index just after the value that starts at `i`. */
export function skipValueBytes(b: Uint8Array, i: number): number {
  const length = b.length;
  const c = b[i];
  if (c === QUOTE) return skipStringBytes(b, i);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    let depth = 0;
    for (;;) {
      if (i >= length) throw new JsonScanError('unterminated object or array');
      const d = b[i]!;
      if (d === QUOTE) {
        i = skipStringBytes(b, i);
        continue;
      }
      if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
      else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
        if (--depth === 0) return i + 1;
      }
      i++;
    }
  }
  const start = i;
  while (i < length) {
    const d = b[i]!;
    if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || isSpace(d)) break;
    i++;
  }
  if (i === start) throw new JsonScanError(`unexpected character at ${start}`);
  return i;
}

/** The text of the JSON string `b[start, end)` (quotes included), decoding escapes only when there are any. */
export function stringAtBytes(b: Buffer, start: number, end: number): string {
  for (let i = start + 1; i < end - 1; i++) {
    if (b[i] === BACKSLASH) return JSON.parse(b.toString('utf8', start, end)) as string;
  }
  return b.toString('utf8', start + 1, end - 1);
}

/** Whether `b[start, end)` holds exactly the bytes of `expected`. */
export function bytesAre(b: Uint8Array, start: number, end: number, expected: Uint8Array): boolean {
  if (end - start !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (b[start + i] !== expected[i]) return false;
  return true;
}

/**
 * Walks the members of one object, one next() at a time (no callback, nothing allocated per member): after a next()
 * that returns true, the key (with its quotes) is `[keyStart, keyEnd)` and the value `[valueStart, valueEnd)`; after
 * the last, `end` is the index just after the object.
 */
export class MemberCursor {
  keyStart = 0;
  keyEnd = 0;
  valueStart = 0;
  valueEnd = 0;
  end = -1;
  #b: Uint8Array = new Uint8Array(0);
  #i = 0;
  #first = true;

  /** Starts at the object at `i` (white space before it allowed). */
  start(b: Uint8Array, i: number): void {
    i = skipSpaceBytes(b, i);
    if (b[i] !== OPEN_BRACE) throw new JsonScanError(`expected an object at ${i}`);
    this.#b = b;
    this.#i = skipSpaceBytes(b, i + 1);
    this.#first = true;
    this.end = -1;
  }

  /** Whether the last next() found the key it was told to expect. */
  matched = false;

  /**
   * Moves to the next member; false after the last. `expected` (a key as JSON then a colon, `"name":`) is the key
   * the caller guesses comes next: when it does, `matched` says so and the key is not scanned again.
   */
  next(expected?: Uint8Array): boolean {
    if (!this.nextKey(expected)) return false;
    this.valueEndsAt(skipValueBytes(this.#b, this.valueStart));
    return true;
  }

  /**
   * next() up to the value: only `valueStart` is set, and the caller, having read the value itself, tells where it
   * ended with valueEndsAt() before the next member.
   */
  nextKey(expected?: Uint8Array): boolean {
    const b = this.#b;
    let i = this.#i;
    if (this.end >= 0) return false;
    if (this.#first) {
      this.#first = false;
      if (b[i] === CLOSE_BRACE) {
        this.end = i + 1;
        return false;
      }
    } else {
      i = skipSpaceBytes(b, i);
      const c = b[i];
      if (c === CLOSE_BRACE) {
        this.end = i + 1;
        return false;
      }
      if (c !== COMMA) throw new JsonScanError(`expected ',' or '}' at ${i}`);
      i = skipSpaceBytes(b, i + 1);
    }
    if (b[i] !== QUOTE) throw new JsonScanError(`expected a key at ${i}`);
    this.keyStart = i;
    let j: number;
    if (expected !== undefined && startsWithAt(b, i, expected)) {
      this.matched = true;
      this.keyEnd = i + expected.length - 1;
      j = i + expected.length;
    } else {
      this.matched = false;
      this.keyEnd = skipStringBytes(b, i);
      j = skipSpaceBytes(b, this.keyEnd);
      if (b[j] !== COLON) throw new JsonScanError(`expected ':' at ${j}`);
      j++;
    }
    this.valueStart = skipSpaceBytes(b, j);
    return true;
  }

  valueEndsAt(end: number): void {
    this.valueEnd = this.#i = end;
  }
}

const ascii = (text: string): Uint8Array => Buffer.from(text, 'latin1');
const COMPACT_PREFIX = ascii('{"type":"RECORD","record":');
const COMPACT_STREAM = ascii('{"type":"RECORD","record":{"stream":"');
const NAMESPACE_KEY = ascii(',"namespace":"');
const DATA_KEY = ascii(',"data":{');
const EMITTED_AT_KEY = ascii(',"emitted_at":');
const KEYS = { type: ascii('"type"'), record: ascii('"record"'), stream: ascii('"stream"'), namespace: ascii('"namespace"'), data: ascii('"data"'), emittedAt: ascii('"emitted_at"'), meta: ascii('"meta"') };
const RECORD_VALUE = ascii('"RECORD"');

const startsWithAt = (b: Uint8Array, i: number, prefix: Uint8Array): boolean => i + prefix.length <= b.length && bytesAre(b, i, i + prefix.length, prefix);

/**
 * Reads RECORD lines; one instance is reused line after line (nothing allocated for a compact line that names the
 * same stream as the last). After scan() returns true the fields describe that line.
 */
export class RecordScan {
  stream = '';
  namespace: string | undefined = undefined;
  /** emitted_at when the line gives a finite number, else undefined. */
  emittedAt: number | undefined = undefined;
  dataStart = -1;
  dataEnd = -1;
  metaStart = -1;
  metaEnd = -1;
  readonly #members = new MemberCursor();
  /** The last compact line's bytes up to its data's `{`: a line that starts with them names the same stream. */
  #lastHead: Uint8Array | undefined;

  /** Whether `line` is a RECORD (its parts then in the fields). Throws JsonScanError. */
  scan(line: Buffer): boolean {
    return this.#scanCompact(line) || this.#scanAny(line);
  }

  /** `{"type":"RECORD","record":{"stream":"S"[,"namespace":"N"],"data":{…},"emitted_at":T}}` with plain names, read from its two ends. */
  #scanCompact(b: Buffer): boolean {
    const lastHead = this.#lastHead;
    const sameHead = lastHead !== undefined && startsWithAt(b, 0, lastHead);
    let dataStart: number;
    let streamEnd = -1;
    let namespaceStart = -1;
    let namespaceEnd = -1;
    if (sameHead) dataStart = lastHead.length - 1;
    else {
      if (!startsWithAt(b, 0, COMPACT_STREAM)) return false;
      streamEnd = plainStringEnd(b, COMPACT_STREAM.length);
      if (streamEnd < 0) return false;
      let i = streamEnd + 1;
      if (startsWithAt(b, i, NAMESPACE_KEY)) {
        namespaceStart = i + NAMESPACE_KEY.length;
        namespaceEnd = plainStringEnd(b, namespaceStart);
        if (namespaceEnd < 0) return false;
        i = namespaceEnd + 1;
      }
      if (!startsWithAt(b, i, DATA_KEY)) return false;
      dataStart = i + DATA_KEY.length - 1;
    }
    // The tail, read backwards: `,"emitted_at":<digits>}}` then white space.
    let t = b.length;
    while (t > 0 && isTailSpace(b[t - 1]!)) t--;
    if (t < 2 || b[t - 1] !== CLOSE_BRACE || b[t - 2] !== CLOSE_BRACE) return false;
    const digitsEnd = t - 2;
    let d = digitsEnd;
    while (d > 0 && b[d - 1]! >= 48 && b[d - 1]! <= 57) d--;
    const dataEnd = d - EMITTED_AT_KEY.length;
    if (d === digitsEnd || !bytesAre(b, dataEnd, d, EMITTED_AT_KEY)) return false;
    // The string form reads the tail from the last 48 characters only; a longer tail falls back there, and here.
    if (b.length - dataEnd > 48) return false;
    if (dataEnd <= dataStart + 1 || b[dataEnd - 1] !== CLOSE_BRACE) return false;
    if (!sameHead) {
      this.#lastHead = Buffer.from(b.subarray(0, dataStart + 1));
      this.stream = b.toString('utf8', COMPACT_STREAM.length, streamEnd);
      this.namespace = namespaceStart >= 0 ? b.toString('utf8', namespaceStart, namespaceEnd) : undefined;
    }
    this.emittedAt = digitsValue(b, d, digitsEnd);
    this.dataStart = dataStart;
    this.dataEnd = dataEnd;
    this.metaStart = -1;
    this.metaEnd = -1;
    return true;
  }

  /** Walks the line member by member (any key order, any white space). */
  #scanAny(b: Buffer): boolean {
    const members = this.#members;
    let isRecord = false;
    let recordStart = -1;
    if (startsWithAt(b, 0, COMPACT_PREFIX)) {
      isRecord = true;
      recordStart = COMPACT_PREFIX.length;
    } else {
      members.start(b, 0);
      while (members.next()) {
        if (bytesAre(b, members.keyStart, members.keyEnd, KEYS.type)) isRecord = bytesAre(b, members.valueStart, members.valueEnd, RECORD_VALUE);
        else if (bytesAre(b, members.keyStart, members.keyEnd, KEYS.record)) recordStart = members.valueStart;
      }
    }
    if (!isRecord || recordStart < 0) return false;
    this.#lastHead = undefined;
    this.stream = '';
    this.namespace = undefined;
    this.emittedAt = undefined;
    this.dataStart = this.dataEnd = this.metaStart = this.metaEnd = -1;
    members.start(b, recordStart);
    while (members.next()) {
      const { keyStart: ks, keyEnd: ke, valueStart: vs, valueEnd: ve } = members;
      if (bytesAre(b, ks, ke, KEYS.stream)) {
        if (b[vs] === QUOTE) this.stream = stringAtBytes(b, vs, ve);
      } else if (bytesAre(b, ks, ke, KEYS.namespace)) {
        if (b[vs] === QUOTE) this.namespace = stringAtBytes(b, vs, ve);
      } else if (bytesAre(b, ks, ke, KEYS.data)) {
        this.dataStart = vs;
        this.dataEnd = ve;
      } else if (bytesAre(b, ks, ke, KEYS.emittedAt)) {
        const c = b[vs]!;
        const value = (c >= 48 && c <= 57) || c === 45 ? Number(b.toString('latin1', vs, ve)) : NaN;
        this.emittedAt = Number.isFinite(value) ? value : undefined;
      } else if (bytesAre(b, ks, ke, KEYS.meta)) {
        this.metaStart = vs;
        this.metaEnd = ve;
      }
    }
    if (this.dataStart < 0 || b[this.dataStart] !== OPEN_BRACE) throw new JsonScanError('the RECORD has no "record.data" object');
    return true;
  }
}

/** White space the string form's `\s*$` drops at a line's end (ASCII only: other spaces send the line the slow way). */
const isTailSpace = (c: number): boolean => isSpace(c) || c === 11 || c === 12;

/** The index of the quote closing a name that starts at `i`, or -1 when it has an escape (or no end). */
function plainStringEnd(b: Uint8Array, i: number): number {
  for (; i < b.length; i++) {
    const c = b[i]!;
    if (c === QUOTE) return i;
    if (c === BACKSLASH) return -1;
  }
  return -1;
}

/** The value of the decimal digits `b[start, end)`, as Number() of their text gives it. */
function digitsValue(b: Uint8Array, start: number, end: number): number {
  if (end - start > 15) return Number(Buffer.from(b.subarray(start, end)).toString('latin1'));
  let value = 0;
  for (let i = start; i < end; i++) value = value * 10 + (b[i]! - 48);
  return value;
}
