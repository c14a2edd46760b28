// Owns the span form of a mapped record: the RECORD line as it came, the top-level members of its `data` found by
// protocol/object-members.ts, and the edits steps make to them (a new key, a new value, a member removed, added or
// reordered). Its text is the line with those edits, copying every untouched run of bytes as one slice: a record
// whose steps all work on spans (rename, hash, encrypt, select) is never parsed nor serialised, and what no step
// touched passes byte for byte. A step that meets a value it cannot handle on spans says so, and the record takes the
// parse path instead (stream-mapper.ts), so both paths give the same record.
import { QUOTE } from '../../protocol/json-syntax.js';
import { ObjectMembers } from '../../protocol/object-members.js';

const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

/** The first byte of a value, which says its JSON type. */
export const enum ValueKind {
  String = 0x22,
  Null = 0x6e,
  True = 0x74,
  False = 0x66,
}

/**
 * The field names a stream's steps read or write, each given a small number at plan time, so matching a record's
 * keys costs a length check and a few byte compares, and a step finds its field by number.
 */
export class FieldIds {
  readonly #names: string[] = [];
  readonly #bytes: Buffer[] = [];
  readonly #keys: string[] = [];

  id(name: string): number {
    const known = this.#names.indexOf(name);
    if (known >= 0) return known;
    this.#names.push(name);
    this.#bytes.push(Buffer.from(name, 'utf8'));
    this.#keys.push(JSON.stringify(name));
    return this.#names.length - 1;
  }

  get size(): number {
    return this.#names.length;
  }

  /** The key as JSON text, quotes included. */
  keyText(id: number): string {
    return this.#keys[id]!;
  }

  /** The id of the key whose content (between its quotes, no escapes) is `buffer[start, end)`, or -1. */
  match(buffer: Buffer, start: number, end: number): number {
    const length = end - start;
    const names = this.#bytes;
    for (let id = 0; id < names.length; id++) {
      const name = names[id]!;
      if (name.length !== length) continue;
      let k = 0;
      while (k < length && buffer[start + k] === name[k]) k++;
      if (k === length) return id;
    }
    return -1;
  }
}

export class SpanRecord {
  readonly #ids: FieldIds;
  readonly #members = new ObjectMembers();
  #line: Buffer = Buffer.alloc(0);
  #start = 0;
  #end = 0;
  #dataStart = 0;
  #dataEnd = 0;
  /** Members of the line, then members steps added (no spans). */
  #entries = 0;
  #fieldOf = new Int32Array(16);
  #newKey: (string | undefined)[] = [];
  #newValue: (string | undefined)[] = [];
  /** The entries written, in order. */
  #order = new Int32Array(16);
  #written = 0;
  /** The entry holding each field id, or -1. */
  readonly #entryOf: Int32Array;

  constructor(ids: FieldIds) {
    this.#ids = ids;
    this.#entryOf = new Int32Array(ids.size);
  }

  /**
   * Takes the RECORD line `line[start, end)` whose data object is `line[dataStart, dataEnd)`. False when the record
   * needs the parse path: a key a step names is written with escapes or twice (a parser keeps the last one).
   */
  load(line: Buffer, start: number, end: number, dataStart: number, dataEnd: number): boolean {
    const members = this.#members;
    if (!members.read(line, dataStart, dataEnd)) return false;
    this.#line = line;
    this.#start = start;
    this.#end = end;
    this.#dataStart = dataStart;
    this.#dataEnd = dataEnd;
    const count = members.count;
    if (this.#fieldOf.length < count + this.#ids.size) this.#resize(count + this.#ids.size);
    this.#entryOf.fill(-1);
    for (let e = 0; e < count; e++) {
      if (members.keyEscaped[e] === 1) return false;
      const id = this.#ids.match(line, members.keyStart[e]! + 1, members.keyEnd[e]! - 1);
      if (id >= 0) {
        if (this.#entryOf[id] !== -1) return false;
        this.#entryOf[id] = e;
      }
      this.#fieldOf[e] = id;
      this.#newKey[e] = undefined;
      this.#newValue[e] = undefined;
      this.#order[e] = e;
    }
    this.#entries = count;
    this.#written = count;
    return true;
  }

  #resize(size: number): void {
    const fieldOf = new Int32Array(size * 2);
    fieldOf.set(this.#fieldOf);
    this.#fieldOf = fieldOf;
    const order = new Int32Array(size * 2);
    order.set(this.#order);
    this.#order = order;
  }

  /** The entry of field `id`, or -1 when the record does not have it. */
  find(id: number): number {
    return this.#entryOf[id]!;
  }

  /** The first byte of the entry's value (ValueKind, or the first character of a number). */
  kind(entry: number): number {
    const edited = this.#newValue[entry];
    if (edited !== undefined) return edited.charCodeAt(0);
    return this.#line[this.#members.valueStart[entry]!]!;
  }

  /** The entry's value when it is a string (decoded), else undefined. */
  string(entry: number): string | undefined {
    const edited = this.#newValue[entry];
    if (edited !== undefined) return edited.charCodeAt(0) === QUOTE ? (JSON.parse(edited) as string) : undefined;
    const members = this.#members;
    const start = members.valueStart[entry]!;
    const end = members.valueEnd[entry]!;
    if (this.#line[start] !== QUOTE) return undefined;
    if (members.valueEscaped[entry] === 0) return this.#line.toString('utf8', start + 1, end - 1);
    return JSON.parse(this.#line.toString('utf8', start, end)) as string;
  }

  /**
   * The value's JSON text when it is the same as JSON.stringify of the parsed value: a string without escapes, an
   * integer a double holds exactly (written as JavaScript writes it), true or false. Else undefined.
   */
  canonicalText(entry: number): string | undefined {
    // A value a step wrote is JSON.stringify's text already.
    const edited = this.#newValue[entry];
    if (edited !== undefined) return edited;
    const members = this.#members;
    const start = members.valueStart[entry]!;
    const end = members.valueEnd[entry]!;
    const first = this.#line[start]!;
    if (first === QUOTE) return members.valueEscaped[entry] === 0 ? this.#line.toString('utf8', start, end) : undefined;
    if (first === ValueKind.True || first === ValueKind.False) return this.#line.toString('latin1', start, end);
    return plainInteger(this.#line, start, end) ? this.#line.toString('latin1', start, end) : undefined;
  }

  /** Gives field `to` to the entry (which holds another field); an entry that held `to` already is removed. */
  rename(entry: number, to: number): void {
    const taken = this.#entryOf[to]!;
    if (taken !== -1) this.#remove(taken);
    const from = this.#fieldOf[entry]!;
    if (from !== -1) this.#entryOf[from] = -1;
    this.#fieldOf[entry] = to;
    this.#entryOf[to] = entry;
    this.#newKey[entry] = this.#ids.keyText(to);
  }

  /** Sets field `id` to the JSON text `value`: in place when the record has it, else as a new last member. */
  put(id: number, value: string): void {
    const entry = this.#entryOf[id]!;
    if (entry !== -1) {
      this.#newValue[entry] = value;
      return;
    }
    const added = this.#entries++;
    if (added >= this.#fieldOf.length) this.#resize(added + 1);
    this.#fieldOf[added] = id;
    this.#newKey[added] = this.#ids.keyText(id);
    this.#newValue[added] = value;
    this.#entryOf[id] = added;
    this.#order[this.#written++] = added;
  }

  setValue(entry: number, value: string): void {
    this.#newValue[entry] = value;
  }

  /**
   * Keeps only the fields `ids`, in that order (a field the record lacks is left out); `selected[id]` is 1 for each
   * of them.
   */
  keepOnly(ids: Int32Array, selected: Uint8Array): void {
    let written = 0;
    for (let k = 0; k < ids.length; k++) {
      const entry = this.#entryOf[ids[k]!]!;
      if (entry !== -1) this.#order[written++] = entry;
    }
    for (let id = 0; id < this.#entryOf.length; id++) if (selected[id] !== 1) this.#entryOf[id] = -1;
    this.#written = written;
  }

  #remove(entry: number): void {
    let written = 0;
    for (let k = 0; k < this.#written; k++) {
      const other = this.#order[k]!;
      if (other !== entry) this.#order[written++] = other;
    }
    this.#written = written;
    const id = this.#fieldOf[entry]!;
    if (id !== -1 && this.#entryOf[id] === entry) this.#entryOf[id] = -1;
  }

  /**
   * The line with the edits. Untouched bytes are copied in runs: a run grows over consecutive members of the line
   * (the commas and spaces between them included) until an edit, a removed member or a reordering interrupts it.
   */
  text(): string {
    const line = this.#line;
    const members = this.#members;
    const count = members.count;
    let out = '';
    // The run of line bytes not yet copied: [runStart, runEnd). It starts with the line up to the data's `{`.
    let runStart = this.#start;
    let runEnd = this.#dataStart + 1;
    // The member of the line the run ends with (-1: the `{`), or -2 when the run cannot take the next member.
    let last = -1;
    for (let k = 0; k < this.#written; k++) {
      const entry = this.#order[k]!;
      const newKey = this.#newKey[entry];
      const newValue = this.#newValue[entry];
      if (entry >= count) {
        // A member a step added: no bytes of the line.
        if (runEnd > runStart) out += line.toString('utf8', runStart, runEnd);
        out += (k === 0 ? '' : ',') + newKey! + ':' + newValue!;
        runStart = runEnd = 0;
        last = -2;
        continue;
      }
      if (newKey === undefined && entry === last + 1) {
        // The next member of the line after the run: the separator and the key join the run.
        runEnd = members.keyEnd[entry]!;
      } else {
        if (runEnd > runStart) out += line.toString('utf8', runStart, runEnd);
        if (k > 0) out += ',';
        if (newKey === undefined) runStart = members.keyStart[entry]!;
        else {
          out += newKey;
          runStart = members.keyEnd[entry]!;
        }
        runEnd = members.keyEnd[entry]!;
      }
      // The run now ends after the key; the colon (and spaces) follow in the line.
      if (newValue === undefined) {
        runEnd = members.valueEnd[entry]!;
        last = entry;
      } else {
        out += line.toString('utf8', runStart, members.valueStart[entry]!) + newValue;
        runStart = runEnd = 0;
        last = -2;
      }
    }
    if (last === count - 1) return out + line.toString('utf8', runStart, this.#end);
    if (runEnd > runStart) out += line.toString('utf8', runStart, runEnd);
    return out + line.toString('utf8', this.#dataEnd - 1, this.#end);
  }
}

/** Whether `buffer[start, end)` is an integer JSON.stringify writes the same way: no sign on 0, at most 15 digits. */
function plainInteger(buffer: Buffer, start: number, end: number): boolean {
  let i = start;
  if (buffer[i] === MINUS) i++;
  const digits = end - i;
  if (digits < 1 || digits > 15) return false;
  if (buffer[i] === ZERO) return digits === 1 && i === start;
  for (; i < end; i++) {
    const byte = buffer[i]!;
    if (byte < ZERO || byte > NINE) return false;
  }
  return true;
}
