// Owns checking that text is one valid JSON value (RFC 8259) without building it: a destination that stores a
// record's data as text (destination-local-json) must never store a line that is not JSON, and checking costs far
// less than JSON.parse, which allocates every object and string only to throw them away.

const QUOTE = 34;
const BACKSLASH = 92;

/** Whether `s[start, end)` is exactly one JSON value, with optional white space around it. */
export function isJson(s: string, start = 0, end = s.length): boolean {
  try {
    const at = value(s, skipSpace(s, start, end), end, 0);
    return at >= 0 && skipSpace(s, at, end) === end;
  } catch {
    return false; // nested too deep for the stack: let the caller decide with JSON.parse
  }
}

function skipSpace(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break;
    i++;
  }
  return i;
}

/** The index after the value at `i`, or -1 when it is not one. */
function value(s: string, i: number, end: number, depth: number): number {
  if (i >= end) return -1;
  const c = s.charCodeAt(i);
  if (c === QUOTE) return string(s, i, end);
  if (c === 123) return object(s, i, end, depth + 1);
  if (c === 91) return array(s, i, end, depth + 1);
  if (c === 45 || (c >= 48 && c <= 57)) return number(s, i, end);
  if (c === 116) return s.startsWith('true', i) && i + 4 <= end ? i + 4 : -1;
  if (c === 102) return s.startsWith('false', i) && i + 5 <= end ? i + 5 : -1;
  if (c === 110) return s.startsWith('null', i) && i + 4 <= end ? i + 4 : -1;
  return -1;
}

function object(s: string, i: number, end: number, depth: number): number {
  i = skipSpace(s, i + 1, end);
  if (s.charCodeAt(i) === 125) return i + 1;
  for (;;) {
    if (s.charCodeAt(i) !== QUOTE) return -1;
    i = string(s, i, end);
    if (i < 0) return -1;
    i = skipSpace(s, i, end);
    if (s.charCodeAt(i) !== 58) return -1;
    i = value(s, skipSpace(s, i + 1, end), end, depth);
    if (i < 0) return -1;
    i = skipSpace(s, i, end);
    const c = s.charCodeAt(i);
    if (c === 125 && i < end) return i + 1;
    if (c !== 44 || i >= end) return -1;
    i = skipSpace(s, i + 1, end);
  }
}

function array(s: string, i: number, end: number, depth: number): number {
  i = skipSpace(s, i + 1, end);
  if (s.charCodeAt(i) === 93) return i + 1;
  for (;;) {
    i = value(s, i, end, depth);
    if (i < 0) return -1;
    i = skipSpace(s, i, end);
    const c = s.charCodeAt(i);
    if (c === 93 && i < end) return i + 1;
    if (c !== 44 || i >= end) return -1;
    i = skipSpace(s, i + 1, end);
  }
}

function string(s: string, i: number, end: number): number {
  for (i++; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c < 32) return -1;
    if (c === BACKSLASH) {
      const e = s.charCodeAt(++i);
      if (e === 117) {
        for (let k = 1; k <= 4; k++) if (!isHex(s.charCodeAt(i + k))) return -1;
        i += 4;
      } else if (e !== QUOTE && e !== BACKSLASH && e !== 47 && e !== 98 && e !== 102 && e !== 110 && e !== 114 && e !== 116) return -1;
    }
  }
  return -1;
}

const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

function number(s: string, i: number, end: number): number {
  if (s.charCodeAt(i) === 45) i++;
  if (i >= end) return -1;
  const first = s.charCodeAt(i);
  if (first === 48) i++;
  else if (first >= 49 && first <= 57) while (i < end && isDigit(s.charCodeAt(i))) i++;
  else return -1;
  if (i < end && s.charCodeAt(i) === 46) {
    i++;
    if (i >= end || !isDigit(s.charCodeAt(i))) return -1;
    while (i < end && isDigit(s.charCodeAt(i))) i++;
  }
  const e = s.charCodeAt(i);
  if (i < end && (e === 101 || e === 69)) {
    i++;
    const sign = s.charCodeAt(i);
    if (sign === 43 || sign === 45) i++;
    if (i >= end || !isDigit(s.charCodeAt(i))) return -1;
    while (i < end && isDigit(s.charCodeAt(i))) i++;
  }
  return i;
}
