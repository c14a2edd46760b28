// Owns parsing input lines without losing digits: JSON.parse turns 9223372036854775807 or a 30-digit numeric into
// a rounded double, so a line holding a long number token is first rewritten with each such token (outside strings)
// as a marker string — NUL followed by the token's text — which the value converters write out verbatim.
const MARKER = '\u0000';

/** Parses one JSON line; long number tokens become marker strings (see isRawNumber). */
export function parseLossless(line: string): unknown {
  if (!hasLongDigitRun(line)) return JSON.parse(line);
  return JSON.parse(quoteLongNumbers(line));
}

/** True for a marker produced by parseLossless; the number's text is `value.slice(1)`. */
export function isRawNumber(value: unknown): value is string {
  return typeof value === 'string' && value.charCodeAt(0) === 0;
}

/** JSON text of a value, with marker strings written back as the numbers they were. */
export function stringifyLossless(value: unknown): string {
  const text = JSON.stringify(value);
  return text.includes('"\\u0000') ? text.replace(/"\\u0000([-+0-9.eE]+)"/g, '$1') : text;
}

/** Whether 16 or more digits and dots follow each other anywhere in the line (one pass, no backtracking). */
function hasLongDigitRun(line: string): boolean {
  let run = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if ((c >= 0x30 && c <= 0x39) || c === 0x2e) {
      if (++run >= 16) return true;
    } else run = 0;
  }
  return false;
}

function quoteLongNumbers(line: string): string {
  const parts: string[] = [];
  let copied = 0;
  let i = 0;
  const n = line.length;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (c === 0x22) {
      // Skip a string, honouring escapes.
      i++;
      while (i < n) {
        const d = line.charCodeAt(i);
        if (d === 0x5c) i += 2;
        else if (d === 0x22) break;
        else i++;
      }
      i++;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < n && /[-+0-9.eE]/.test(line[j]!)) j++;
      if (j - i >= 16) {
        parts.push(line.slice(copied, i), `"${'\\u0000'}${line.slice(i, j)}"`);
        copied = j;
      }
      i = j;
    } else i++;
  }
  if (copied === 0) return line;
  parts.push(line.slice(copied));
  return parts.join('');
}

export { MARKER as RAW_NUMBER_MARKER };
