// Owns a file destination's pending bytes: text is encoded as UTF-8 straight into one growing Buffer, so a batch of
// lines reaches the file without being joined into one big string first and then converted to bytes (a copy and
// a flattening pass over every character, and the garbage of both).

const INITIAL_BYTES = 1 << 20;

export class OutputBuffer {
  #buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  #length = 0;

  /** Bytes held. */
  get length(): number {
    return this.#length;
  }

  append(text: string): void {
    // A UTF-16 code unit never takes more than 3 bytes of UTF-8.
    if (this.#buffer.length - this.#length < text.length * 3) this.#grow(text.length * 3);
    this.#length += this.#buffer.write(text, this.#length);
  }

  /** The bytes held, handed over: the buffer starts afresh, so the caller may write them while more are appended. */
  take(): Buffer {
    const bytes = this.#buffer.subarray(0, this.#length);
    this.#buffer = Buffer.allocUnsafe(Math.max(INITIAL_BYTES, this.#length));
    this.#length = 0;
    return bytes;
  }

  #grow(needed: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#length + needed));
    this.#buffer.copy(bigger, 0, 0, this.#length);
    this.#buffer = bigger;
  }
}
