// Owns finding the top-level members of a JSON object already known to be well-formed (the relay's check of a
// RECORD line passed it): where each key and value starts and ends in the buffer, and whether the key or a string
// value holds an escape. No decoding, no allocation beyond growing the reused arrays: a mapper that only renames,
// hashes, encrypts or selects fields edits the line around these spans instead of parsing and serialising the data.
import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, isJsonSpace, OPEN_BRACE, OPEN_BRACKET, QUOTE, skipJsonSpace } from './json-syntax.js';

/** The members of one object: parallel arrays, reused from one object to the next. Positions are buffer offsets. */
export class ObjectMembers {
  count = 0;
  /** The key's opening quote, and just after its closing quote. */
  keyStart = new Int32Array(16);
  keyEnd = new Int32Array(16);
  /** The value's first byte, and just after its last. */
  valueStart = new Int32Array(16);
  valueEnd = new Int32Array(16);
  /** 1 when the key holds a backslash escape. */
  keyEscaped = new Uint8Array(16);
  /** 1 when the value is a string holding a backslash escape. */
  valueEscaped = new Uint8Array(16);

  #grow(): void {
    const size = this.keyStart.length * 2;
    const grown = <T extends Int32Array | Uint8Array>(from: T): T => {
      const to = new (from.constructor as new (size: number) => T)(size);
      to.set(from);
      return to;
    };
    this.keyStart = grown(this.keyStart);
    this.keyEnd = grown(this.keyEnd);
    this.valueStart = grown(this.valueStart);
    this.valueEnd = grown(this.valueEnd);
    this.keyEscaped = grown(this.keyEscaped);
    this.valueEscaped = grown(this.valueEscaped);
  }

  /**
   * Reads the members of the object `buffer[start, end)` (`{` to `}` inclusive), which must be well-formed JSON.
   * Returns false, with nothing promised about the arrays, if it turns out not to be (a caller then parses it and
   * reports the problem its own way).
   */
  read(buffer: Buffer, start: number, end: number): boolean {
    this.count = 0;
    if (buffer[start] !== OPEN_BRACE || buffer[end - 1] !== CLOSE_BRACE) return false;
    let i = skipJsonSpace(buffer, start + 1, end);
    if (buffer[i] === CLOSE_BRACE) return i === end - 1;
    for (;;) {
      if (buffer[i] !== QUOTE) return false;
      const n = this.count;
      if (n === this.keyStart.length) this.#grow();
      this.keyStart[n] = i;
      let after = stringEnd(buffer, i + 1, end);
      if (after < 0) return false;
      this.keyEscaped[n] = after > end ? 1 : 0;
      if (after > end) after -= end;
      this.keyEnd[n] = after;
      i = skipJsonSpace(buffer, after, end);
      if (buffer[i] !== COLON) return false;
      i = skipJsonSpace(buffer, i + 1, end);
      this.valueStart[n] = i;
      const byte = buffer[i];
      this.valueEscaped[n] = 0;
      if (byte === QUOTE) {
        after = stringEnd(buffer, i + 1, end);
        if (after < 0) return false;
        if (after > end) {
          this.valueEscaped[n] = 1;
          after -= end;
        }
        i = after;
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        i = containerEnd(buffer, i, end);
        if (i < 0) return false;
      } else {
        // A number or a literal: up to the next delimiter.
        while (i < end) {
          const b = buffer[i]!;
          if (b === COMMA || b === CLOSE_BRACE || isJsonSpace(b)) break;
          i++;
        }
        if (i === this.valueStart[n]) return false;
      }
      this.valueEnd[n] = i;
      this.count = n + 1;
      i = skipJsonSpace(buffer, i, end);
      if (buffer[i] === COMMA) {
        i = skipJsonSpace(buffer, i + 1, end);
        continue;
      }
      return buffer[i] === CLOSE_BRACE && i === end - 1;
    }
  }
}

/**
 * Just after the closing quote of the string whose content starts at `at`; plus `end` when the string holds an
 * escape (one return value, no allocation); -1 when it does not close before `end`.
 */
function stringEnd(buffer: Buffer, at: number, end: number): number {
  let escaped = false;
  for (let i = at; i < end; i++) {
    const byte = buffer[i]!;
    if (byte === QUOTE) return escaped ? i + 1 + end : i + 1;
    if (byte === BACKSLASH) {
      escaped = true;
      i++; // the escaped character (a \u escape's hex digits hold no quote or backslash)
    }
  }
  return -1;
}

/** Just after the object or array opening at `at` (strings inside may hold brackets), or -1. */
function containerEnd(buffer: Buffer, at: number, end: number): number {
  let depth = 0;
  let i = at;
  while (i < end) {
    const byte = buffer[i]!;
    if (byte === QUOTE) {
      const after = stringEnd(buffer, i + 1, end);
      if (after < 0) return -1;
      i = after > end ? after - end : after;
      continue;
    }
    if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
    else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return -1;
}
