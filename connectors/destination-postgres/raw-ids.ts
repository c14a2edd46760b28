// Owns the `_airbyte_raw_id` of each row: a random (version 4) UUID written straight into the COPY buffer as text,
// from random bytes drawn (and turned into hex digits) 4096 ids at a time rather than one randomUUID() per row.
import { randomFillSync } from 'node:crypto';
import type { CopyWriter } from './copy-writer.js';

const IDS_PER_DRAW = 4096;
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');

export class RawIds {
  readonly #random = Buffer.allocUnsafe(16 * IDS_PER_DRAW);
  /** The random bytes as hex digits, 32 per id. */
  #hex = Buffer.alloc(0);
  #next = 0;

  /** Writes one UUID's 36 characters (8-4-4-4-12 hex digits). */
  write(out: CopyWriter): void {
    if (this.#next === this.#hex.length) {
      randomFillSync(this.#random);
      this.#hex = Buffer.from(this.#random.toString('hex'), 'latin1');
      this.#next = 0;
    }
    const hex = this.#hex;
    const h = this.#next;
    this.#next += 32;
    out.ensure(36);
    const buffer = out.buffer;
    let used = out.used;
    for (let k = h; k < h + 8; k++) buffer[used++] = hex[k]!;
    buffer[used++] = 45;
    for (let k = h + 8; k < h + 12; k++) buffer[used++] = hex[k]!;
    // The version (4) and variant (10xx) bits, as RFC 9562 sets them for a random UUID.
    buffer[used++] = 45;
    buffer[used++] = 52;
    for (let k = h + 13; k < h + 16; k++) buffer[used++] = hex[k]!;
    buffer[used++] = 45;
    buffer[used++] = HEX_DIGITS[8 | (hexValue(hex[h + 16]!) & 3)]!;
    for (let k = h + 17; k < h + 20; k++) buffer[used++] = hex[k]!;
    buffer[used++] = 45;
    for (let k = h + 20; k < h + 32; k++) buffer[used++] = hex[k]!;
    out.used = used;
  }
}

const hexValue = (c: number): number => (c <= 57 ? c - 48 : c - 87);
