// Owns reading a JSON document as a stream of rows without holding the whole document: it finds where each
// element of the top-level array starts and ends (tracking strings, escapes and nesting), and hands each element's
// text over to be parsed on its own. Memory is bounded by the largest element. A top-level object is one row.

/** The longest element accepted, in characters. */
export const MAX_ELEMENT_CHARS = 64 * 1024 * 1024;

export class JsonShapeError extends Error {
  override name = 'JsonShapeError';
}

type Phase = 'start' | 'between' | 'element' | 'done';

export class JsonArrayScanner {
  #phase: Phase = 'start';
  #depth = 0;
  #inString = false;
  #escape = false;
  #parts: string[] = [];
  #chars = 0;
  #topObject = false;
  /** Elements completed so far. */
  elements = 0;

  /** Feeds a chunk of text; returns the text of each element it completed. */
  push(text: string): string[] {
    const out: string[] = [];
    const n = text.length;
    let i = 0;
    let start = this.#phase === 'element' ? 0 : -1;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (this.#phase === 'element') {
        if (this.#inString) {
          if (this.#escape) this.#escape = false;
          else if (c === 92 /* \ */) this.#escape = true;
          else if (c === 34 /* " */) this.#inString = false;
        } else if (c === 34) this.#inString = true;
        else if (c === 123 /* { */ || c === 91 /* [ */) this.#depth++;
        else if (c === 125 /* } */ || c === 93 /* ] */) {
          if (--this.#depth === 0) {
            out.push(this.#take(text.slice(start, i + 1)));
            this.#phase = this.#topObject ? 'done' : 'between';
            start = -1;
          }
        }
        i++;
        continue;
      }
      if (c === 32 || c === 9 || c === 10 || c === 13 || (c === 0xfeff && this.#phase === 'start')) {
        i++;
        continue;
      }
      if (this.#phase === 'start') {
        if (c === 91 /* [ */) this.#phase = 'between';
        else if (c === 123 /* { */) {
          this.#topObject = true;
          this.#begin();
          start = i;
        } else throw new JsonShapeError('the document is neither a JSON array nor a JSON object');
      } else if (this.#phase === 'between') {
        if (c === 93 /* ] */) this.#phase = 'done';
        else if (c === 123) {
          this.#begin();
          start = i;
        } else if (c !== 44 /* , */) throw new JsonShapeError(`element ${this.elements + 1} of the array is not an object`);
      } else {
        throw new JsonShapeError('there is more text after the end of the JSON document');
      }
      i++;
    }
    if (this.#phase === 'element' && start !== -1) this.#keep(text.slice(start));
    return out;
  }

  end(): void {
    if (this.#phase === 'start') throw new JsonShapeError('the document is empty');
    if (this.#phase !== 'done') throw new JsonShapeError(`the document ends inside ${this.#phase === 'element' ? `element ${this.elements + 1}` : 'the array'}`);
  }

  #begin(): void {
    this.#phase = 'element';
    this.#depth = 1;
    this.#inString = false;
    this.#escape = false;
  }

  #keep(part: string): void {
    this.#parts.push(part);
    this.#chars += part.length;
    if (this.#chars > MAX_ELEMENT_CHARS) {
      throw new JsonShapeError(`element ${this.elements + 1} is longer than ${MAX_ELEMENT_CHARS} characters`);
    }
  }

  #take(last: string): string {
    this.elements++;
    if (this.#parts.length === 0) return last;
    const whole = this.#parts.join('') + last;
    this.#parts = [];
    this.#chars = 0;
    return whole;
  }
}
