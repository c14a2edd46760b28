// Owns finding the parts of a RECORD line without parsing it: the stream, namespace, emitted_at, and where the data
// and meta values start and end, so a destination can keep the data's original bytes (every digit of every number).
// The form Sluice's sources write is read from its two ends; any other layout (spaced, keys in another order) is
// walked member by member. A line that is not JSON enough to walk throws a JsonScanError; the data's own validity
// is checked by whoever parses it (the kit does, once, before a destination sees the record).
// Kit destinations read lines this way; destination-postgres reads the bytes of a line the same way (record-bytes.ts).

export class JsonScanError extends Error {
  override name = 'JsonScanError';
}

const QUOTE = 34;
const BACKSLASH = 92;

export function skipSpace(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) i++;
    else return i;
  }
}

/** `s[i]` is an opening quote; returns the index after the closing one. */
export function skipString(s: string, i: number): number {
  let j = s.indexOf('"', i + 1);
  while (j !== -1) {
    let backslashes = 0;
    for (let k = j - 1; s.charCodeAt(k) === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return j + 1;
    j = s.indexOf('"', j + 1);
  }
  throw new JsonScanError('unterminated string');
}

/** Returns the index just after the value that starts at `i`. */
export function skipValue(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c === QUOTE) return skipString(s, i);
  if (c === 123 || c === 91) {
    let depth = 0;
    for (;;) {
      const d = s.charCodeAt(i);
      if (d === QUOTE) {
        i = skipString(s, i);
        continue;
      }
      if (d === 123 || d === 91) depth++;
      else if (d === 125 || d === 93) {
        if (--depth === 0) return i + 1;
      } else if (Number.isNaN(d)) throw new JsonScanError('unterminated object or array');
      i++;
    }
  }
  const start = i;
  for (;;) {
    const d = s.charCodeAt(i);
    if (d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 13 || d === 9 || Number.isNaN(d)) break;
    i++;
  }
  if (i === start) throw new JsonScanError(`unexpected character at ${start}`);
  return i;
}

/** Calls `member` for each member of the object at `i` (the key with its quotes); returns the index after it. */
export function forEachMember(s: string, i: number, member: (keyStart: number, keyEnd: number, valueStart: number, valueEnd: number) => void): number {
  i = skipSpace(s, i);
  if (s.charCodeAt(i) !== 123) throw new JsonScanError(`expected an object at ${i}`);
  i = skipSpace(s, i + 1);
  if (s.charCodeAt(i) === 125) return i + 1;
  for (;;) {
    if (s.charCodeAt(i) !== QUOTE) throw new JsonScanError(`expected a key at ${i}`);
    const keyEnd = skipString(s, i);
    let j = skipSpace(s, keyEnd);
    if (s.charCodeAt(j) !== 58) throw new JsonScanError(`expected ':' at ${j}`);
    j = skipSpace(s, j + 1);
    const valueEnd = skipValue(s, j);
    member(i, keyEnd, j, valueEnd);
    i = skipSpace(s, valueEnd);
    const c = s.charCodeAt(i);
    if (c === 125) return i + 1;
    if (c !== 44) throw new JsonScanError(`expected ',' or '}' at ${i}`);
    i = skipSpace(s, i + 1);
  }
}

/** The text of a JSON string value `s[start, end)` (quotes included), decoding escapes only when there are any. */
export function stringAt(s: string, start: number, end: number): string {
  const inner = s.slice(start + 1, end - 1);
  return inner.indexOf('\\') === -1 ? inner : (JSON.parse(s.slice(start, end)) as string);
}

export const keyIs = (s: string, start: number, end: number, quoted: string): boolean => end - start === quoted.length && s.startsWith(quoted, start);

export interface RecordSpans {
  stream: string;
  namespace?: string;
  /** emitted_at when the line gives a finite number, else undefined. */
  emittedAt: number | undefined;
  dataStart: number;
  dataEnd: number;
  metaStart: number;
  metaEnd: number;
}

/** Where a RECORD line's parts are, or undefined when the line is not a RECORD. Throws JsonScanError. */
export function scanRecord(line: string): RecordSpans | undefined {
  return scanCompactRecord(line) ?? scanAnyRecord(line);
}

const COMPACT_PREFIX = '{"type":"RECORD","record":';

/** Walks the line member by member (any key order, any white space). */
export function scanAnyRecord(line: string): RecordSpans | undefined {
  let isRecord = false;
  let recordStart = -1;
  if (line.startsWith(COMPACT_PREFIX)) {
    isRecord = true;
    recordStart = COMPACT_PREFIX.length;
  } else {
    forEachMember(line, 0, (ks, ke, vs, ve) => {
      if (keyIs(line, ks, ke, '"type"')) isRecord = ve - vs === 8 && line.startsWith('"RECORD"', vs);
      else if (keyIs(line, ks, ke, '"record"')) recordStart = vs;
    });
  }
  if (!isRecord || recordStart < 0) return undefined;
  const spans: RecordSpans = { stream: '', emittedAt: undefined, dataStart: -1, dataEnd: -1, metaStart: -1, metaEnd: -1 };
  forEachMember(line, recordStart, (ks, ke, vs, ve) => {
    if (keyIs(line, ks, ke, '"stream"')) {
      if (line.charCodeAt(vs) === QUOTE) spans.stream = stringAt(line, vs, ve);
    } else if (keyIs(line, ks, ke, '"namespace"')) {
      if (line.charCodeAt(vs) === QUOTE) spans.namespace = stringAt(line, vs, ve);
    } else if (keyIs(line, ks, ke, '"data"')) {
      spans.dataStart = vs;
      spans.dataEnd = ve;
    } else if (keyIs(line, ks, ke, '"emitted_at"')) {
      const c = line.charCodeAt(vs);
      const value = (c >= 48 && c <= 57) || c === 45 ? Number(line.slice(vs, ve)) : NaN;
      spans.emittedAt = Number.isFinite(value) ? value : undefined;
    } else if (keyIs(line, ks, ke, '"meta"')) {
      spans.metaStart = vs;
      spans.metaEnd = ve;
    }
  });
  if (spans.dataStart < 0 || line.charCodeAt(spans.dataStart) !== 123) throw new JsonScanError('the RECORD has no "record.data" object');
  return spans;
}

const COMPACT_STREAM = '{"type":"RECORD","record":{"stream":"';
const TAIL = /,"emitted_at":(\d+)\}\}\s*$/;

/**
 * `{"type":"RECORD","record":{"stream":"S"[,"namespace":"N"],"data":{…},"emitted_at":T}}` with plain names, read
 * from its two ends. The data span is trusted to be one object only once it parses (see the kit's input reader,
 * which falls back to scanAnyRecord when it does not).
 */
function scanCompactRecord(line: string): RecordSpans | undefined {
  if (!line.startsWith(COMPACT_STREAM)) return undefined;
  const streamEnd = line.indexOf('"', COMPACT_STREAM.length);
  if (streamEnd < 0) return undefined;
  const stream = line.slice(COMPACT_STREAM.length, streamEnd);
  if (stream.indexOf('\\') !== -1) return undefined;
  let i = streamEnd + 1;
  let namespace: string | undefined;
  if (line.startsWith(',"namespace":"', i)) {
    const start = i + 14;
    const end = line.indexOf('"', start);
    if (end < 0) return undefined;
    namespace = line.slice(start, end);
    if (namespace.indexOf('\\') !== -1) return undefined;
    i = end + 1;
  }
  if (!line.startsWith(',"data":{', i)) return undefined;
  const tail = TAIL.exec(line.length > 48 ? line.slice(-48) : line);
  if (!tail) return undefined;
  const dataEnd = line.length - tail[0].length;
  if (dataEnd <= i + 8 || line.charCodeAt(dataEnd - 1) !== 125) return undefined;
  return { stream, ...(namespace !== undefined ? { namespace } : {}), emittedAt: Number(tail[1]), dataStart: i + 8, dataEnd, metaStart: -1, metaEnd: -1 };
}
