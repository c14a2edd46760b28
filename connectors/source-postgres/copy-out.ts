// Owns receiving the data of a COPY ... TO STDOUT from node-pg's connection, as pg-copy-streams' `to` does (the same
// take-over of the socket: pg's own parser is set aside while the data flows and gets back everything after it), but
// without a Buffer per CopyData message: the payloads of each socket read are moved together inside that read's buffer
// (the 5-byte message headers squeezed out) and handed on as one chunk. Messages may split anywhere across reads.
import { Readable } from 'node:stream';
import type { EventEmitter } from 'node:events';

/** The part of node-pg's Connection this uses (as pg-copy-streams does). */
interface PgConnection {
  stream: EventEmitter & { read(): Buffer | null; pause(): void; resume(): void };
  query(text: string): void;
}
type DataHandler = (chunk: Buffer) => void;

const COPY_DATA = 0x64; // 'd'
const ERROR_RESPONSE = 0x45; // 'E'
/** Messages that may come before or among CopyData; any other message (CopyDone) ends the data. */
const CONTINUE = new Set([0x48 /* CopyOutResponse */, COPY_DATA, 0x53 /* ParameterStatus */, 0x4e /* NoticeResponse */, 0x41 /* NotificationResponse */]);
const HEADER_LENGTH = 5;

export class CopyOut extends Readable {
  rowCount = 0;
  #connection: PgConnection | undefined;
  #pgDataHandler: DataHandler | undefined;
  /** The start of a message header that the last read cut off. */
  #header = Buffer.alloc(HEADER_LENGTH);
  #headerLength = 0;
  #code = 0;
  /** Content bytes of the current message still to come. */
  #remaining = 0;
  #wanted = false;
  #forwarding = false;
  readonly #onReadable = (): void => this.#forward();

  constructor(readonly text: string) {
    super();
  }

  /** Called by pg.Client when the query's turn comes. */
  submit(connection: PgConnection): void {
    this.#connection = connection;
    const stream = connection.stream;
    const listeners = stream.listeners('data') as DataHandler[];
    if (listeners.length !== 1) throw new Error(`expected one data listener on the connection, found ${listeners.length}`);
    this.#pgDataHandler = listeners[0];
    stream.removeListener('data', this.#pgDataHandler!);
    stream.pause();
    this.#forward();
    stream.on('readable', this.#onReadable);
    connection.query(this.text);
  }

  override _read(): void {
    this.#wanted = true;
    this.#forward();
  }

  #forward(): void {
    if (this.#forwarding || !this.#wanted || !this.#connection) return;
    this.#forwarding = true;
    const stream = this.#connection.stream;
    let chunk: Buffer | null;
    while (this.#wanted && this.#connection && (chunk = stream.read()) !== null) this.#wanted = this.#parse(chunk);
    this.#forwarding = false;
  }

  /** Moves the chunk's CopyData payloads to its front and pushes them; returns whether more is wanted. */
  #parse(chunk: Buffer): boolean {
    const size = chunk.length;
    let i = 0;
    let w = 0;
    let done = false;
    while (i < size && !done) {
      if (this.#remaining > 0) {
        const n = Math.min(this.#remaining, size - i);
        if (this.#code === COPY_DATA) {
          if (w !== i) chunk.copyWithin(w, i, i + n);
          w += n;
        }
        i += n;
        this.#remaining -= n;
        if (this.#remaining === 0 && !CONTINUE.has(this.#code)) done = true;
        continue;
      }
      // A message header: one code byte and a length that counts itself.
      const headerStart = i - this.#headerLength;
      while (this.#headerLength < HEADER_LENGTH && i < size) this.#header[this.#headerLength++] = chunk[i++]!;
      if (this.#headerLength < HEADER_LENGTH) break;
      this.#headerLength = 0;
      this.#code = this.#header[0]!;
      if (this.#code === ERROR_RESPONSE) {
        // pg reads the error (and what follows) itself and reports it to this query's handleError.
        const unread = headerStart >= 0 ? chunk.subarray(headerStart) : Buffer.concat([this.#header, chunk.subarray(i)]);
        this.#push(chunk, w);
        this.#detach(unread);
        return false;
      }
      this.#remaining = this.#header.readInt32BE(1) - 4;
      if (this.#remaining === 0 && !CONTINUE.has(this.#code)) done = true;
    }
    const wanted = this.#push(chunk, w);
    if (done) {
      this.#detach(chunk.subarray(i));
      this.push(null);
    }
    return wanted;
  }

  #push(chunk: Buffer, length: number): boolean {
    return length > 0 ? this.push(chunk.subarray(0, length)) : true;
  }

  /** Gives the connection back to pg, with the bytes read past the data. */
  #detach(unread: Buffer): void {
    const connection = this.#connection!;
    this.#connection = undefined;
    connection.stream.removeListener('readable', this.#onReadable);
    connection.stream.addListener('data', this.#pgDataHandler!);
    if (unread.length > 0) this.#pgDataHandler!(unread);
    // pg's data handler may pause the stream on its own; resume once it is done.
    process.nextTick(() => connection.stream.resume());
  }

  /** Called by pg.Client. */
  handleError(error: Error): void {
    this.emit('error', error);
  }

  handleCommandComplete(message: { text?: string } | undefined): void {
    const match = /COPY (\d+)/.exec(message?.text ?? '');
    if (match) this.rowCount = Number(match[1]);
  }

  handleReadyForQuery(): void {}
}
