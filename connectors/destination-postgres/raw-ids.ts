// Owns the `_airbyte_raw_id` of each row: a random (version 4) UUID written straight into the COPY buffer as text,
// from random bytes drawn 4096 ids at a time rather than one randomUUID() string per row.
import { randomFillSync } from 'node:crypto';
import type { CopyWriter } from './copy-writer.js';

const IDS_PER_DRAW = 4096;
const HEX = Buffer.from('0123456789abcdef', 'latin1');

export class RawIds {
  readonly #random = Buffer.allocUnsafe(16 * IDS_PER_DRAW);
  #next = IDS_PER_DRAW * 16;

  /** Writes one UUID's 36 characters (8-4-4-4-12 hex digits). */
  write(out: CopyWriter): void {
    if (this.#next === this.#random.length) {
      randomFillSync(this.#random);
      this.#next = 0;
    }
    const r = this.#random;
    const at = this.#next;
    this.#next += 16;
    out.ensure(36);
    const buffer = out.buffer;
    let used = out.used;
    for (let k = 0; k < 16; k++) {
      if (k === 4 || k === 6 || k === 8 || k === 10) buffer[used++] = 45;
      // The version (4) and variant (10xx) bits, as RFC 9562 sets them for a random UUID.
      const byte = k === 6 ? (r[at + k]! & 0x0f) | 0x40 : k === 8 ? (r[at + k]! & 0x3f) | 0x80 : r[at + k]!;
      buffer[used++] = HEX[byte >> 4]!;
      buffer[used++] = HEX[byte & 15]!;
    }
    out.used = used;
  }
}
