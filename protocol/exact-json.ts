// Owns JSON that must keep every digit of its numbers (state blobs): parsing keeps a number that a double would
// change (an integer beyond 2^53, a decimal with more significant digits than a double holds, 1e400) as an
// ExactNumber holding its text, every other number as a plain number; stringifying writes ExactNumbers back as
// those digits. JSON.stringify must never see an ExactNumber: it throws there instead of writing a wrong value.
import { isSafeNumber, LosslessNumber, parse, stringify } from 'lossless-json';

/** Deeper than this, a document is refused before parsing (the parser recurses; Jackson's default limit is 1000). */
export const MAX_JSON_DEPTH = 1000;

/** A number a double cannot hold exactly, kept as its JSON text. */
export class ExactNumber extends LosslessNumber {
  /** The closest double, for comparisons that tolerate a destination which rounded what it echoed. */
  get approximate(): number {
    return Number.parseFloat(this.value);
  }

  toJSON(): never {
    throw new TypeError(`JSON.stringify met the exact number ${this.value}; write state with stringifyExactJson`);
  }
}

export class JsonTooDeepError extends Error {
  override name = 'JsonTooDeepError';
}

export function isExactNumber(value: unknown): value is ExactNumber {
  return value instanceof ExactNumber;
}

/**
 * Whether JSON text may hold a number JSON.parse would change: 16 or more digits in a row (dots allowed between,
 * so long decimals count) or a three-digit exponent. False guarantees JSON.parse keeps every number's value; true
 * may be a digit string inside a JSON string, which merely costs the exact parse.
 */
export function mayLoseDigits(text: string): boolean {
  return LONG_NUMBER.test(text);
}

// A JSON number's exponent always follows a digit: requiring one keeps words like `moore123` (an email) out.
const LONG_NUMBER = /\d[\d.]{15}|\d[eE][+-]?\d{3}/;

/** Parses JSON text, keeping numbers a double would change as ExactNumbers. Throws SyntaxError or JsonTooDeepError. */
export function parseExactJson(text: string): unknown {
  const depth = nestingDepth(text);
  if (depth > MAX_JSON_DEPTH) throw new JsonTooDeepError(`nested ${depth} levels deep (at most ${MAX_JSON_DEPTH})`);
  return parse(text, null, parseNumber);
}

/** JSON.stringify's output for the same value, with ExactNumbers written as their digits. */
export function stringifyExactJson(value: unknown, space?: number): string {
  return stringify(value, undefined, space) as string;
}

/**
 * The one rule for a JSON number's text: a plain number when a double holds it exactly, else `keep(text)`. The
 * connector kit keeps such numbers as lossless-json's LosslessNumber, the runtime as ExactNumber.
 */
export function exactNumberParser<T>(keep: (text: string) => T): (text: string) => number | T {
  return (text) => (isSafeNumber(text) ? Number.parseFloat(text) : keep(text));
}

const parseNumber = exactNumberParser((text) => new ExactNumber(text));

/** The deepest nesting of arrays and objects in JSON text (strings skipped), without parsing it. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c /* \ */) i++;
      else if (code === 0x22 /* " */) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      if (++depth > deepest) deepest = depth;
    } else if (code === 0x7d /* } */ || code === 0x5d /* ] */) depth--;
  }
  return deepest;
}
