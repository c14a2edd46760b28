// Owns the record hot path: reads a connector's stdout chunk by chunk, decides for each line whether it is
// forwarded, and writes forwarded lines as their original bytes, whole runs of adjacent lines in one write,
// waiting for `drain` so that a slow reader slows the connector instead of filling memory.
//
// Per line it does only what routing needs: a RECORD written the usual way is recognised from its first bytes
// (stream name only), every other line is parsed. UTF-8 validity is checked once per chunk, natively.
// A router may replace a line (a mapped record) or answer later (a promise: an asynchronous mapper); lines are
// written in input order either way, and a router answering `true` keeps the raw path (no allocation, no await).
import { isUtf8 } from 'node:buffer';
import type { Readable, Writable } from 'node:stream';
import { LineSplitter, DEFAULT_MAX_LINE_BYTES } from '../protocol/line-splitter.js';
import { classifyLine, parseLine, type RecordFacts } from '../protocol/envelope.js';
import { isBlank } from '../protocol/message-reader.js';
import type { AirbyteMessage } from '../protocol/types.generated.js';
import { writeWithBackpressure } from './backpressure.js';

export interface LineRouter {
  /**
   * A RECORD recognised from its prefix; `bytes` is the line's length and `buffer[start, end)` the line, for a
   * router that wants to look inside (copy what you keep). Return true to forward it, false to drop it, the bytes
   * of a line to forward in its place (without newline), or a promise of one of these (read the line before
   * returning it: the buffer is not kept for the router). `facts`: what the line's check found (a number JSON.parse
   * may change, where the data object is).
   */
  record(stream: string, bytes: number, buffer: Buffer, start: number, end: number, facts: RecordFacts): Verdict | Promise<Verdict>;
  /**
   * Any parsed message (RECORDs too, when not written the usual way). Return true to forward it as it came, or
   * the bytes of a line to forward in its place (without newline), e.g. a log message with secrets masked.
   * `line` is the message's original bytes (a view into the input: copy what you keep).
   */
  message(message: AirbyteMessage, bytes: number, line: Buffer): Verdict | Promise<Verdict>;
  /** A line that is not a protocol message (`lineNumber` counts from 1). It is never forwarded. */
  noise(text: string, reason: string, lineNumber: number): void;
}

/**
 * What a router decides for a line: forward it (true), drop it (false), or forward this line instead, as bytes or
 * as text (a mapper's line: text is gathered and encoded once per chunk, not once per line).
 */
export type Verdict = boolean | Buffer | string;

/** A piece of output: bytes, or text that ends with its newline. */
type Piece = Buffer | string;

/** A later verdict, settled so that a rejection waits for its turn (lines before it are written first). */
type Settled = { pieces: Piece[] } | { error: unknown };

export interface RelayOptions {
  maxLineBytes?: number;
  /** Parse every RECORD in full instead of trusting its prefix (used when records are validated). */
  parseRecords?: boolean;
  /** Called for every chunk read: the input is alive. */
  onChunk?: () => void;
  /** Called with true while waiting for the output to drain, false once it has. */
  onWaiting?: (waiting: boolean) => void;
}

const NEWLINE = Buffer.from('\n');

/**
 * Relays `input` to `output` (or only routes it when output is null); resolves at the end of input. A router may
 * throw to stop the relay: lines it forwarded before are still written, then the error propagates.
 */
export async function relayLines(
  input: Readable,
  output: Writable | null,
  router: LineRouter,
  options: RelayOptions = {},
): Promise<void> {
  const splitter = new LineSplitter(options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  const parseRecords = options.parseRecords === true;
  // Pieces to write for the chunk being processed, in input order: runs of adjacent forwarded lines (newline
  // included; each its own write, a view of the input), lines a router gave (in arrays: adjacent ones are written
  // together, since one write per mapped record would cost more than the mapping), and verdicts still to come.
  const pending: (Buffer | Piece[] | Promise<Settled>)[] = [];
  let runBuffer: Buffer | undefined;
  let runStart = -1;
  let runEnd = -1;
  let chunkIsUtf8 = true;

  const closeRun = (): void => {
    if (runBuffer !== undefined) pending.push(runBuffer.subarray(runStart, runEnd));
    runBuffer = undefined;
  };

  const forward = (buffer: Buffer, start: number, end: number, next: number): void => {
    if (next === end) {
      // A last line without a newline: give it one, or the reader may never see the message end.
      closeRun();
      pending.push(Buffer.from(buffer.subarray(start, end)), NEWLINE);
      return;
    }
    if (runBuffer === buffer && runEnd === start) {
      runEnd = next;
      return;
    }
    closeRun();
    runBuffer = buffer;
    runStart = start;
    runEnd = next;
  };

  // A line the router gave in place of the input line, or a verdict still to come.
  const apply = (verdict: Buffer | string | Promise<Verdict>, buffer: Buffer, start: number, end: number): void => {
    closeRun();
    if (typeof verdict === 'string') {
      const last = pending.at(-1);
      if (Array.isArray(last)) last.push(verdict + '\n');
      else pending.push([verdict + '\n']);
      return;
    }
    if (Buffer.isBuffer(verdict)) {
      const last = pending.at(-1);
      if (Array.isArray(last)) last.push(verdict, NEWLINE);
      else pending.push([verdict, NEWLINE]);
      return;
    }
    // The input chunk stays alive until this chunk's pieces are flushed, which waits for the verdict.
    const line = buffer.subarray(start, end);
    pending.push(verdict.then(
      (decided): Settled => ({
        pieces: decided === true ? [line, NEWLINE] : decided === false ? [] : typeof decided === 'string' ? [decided + '\n'] : [decided, NEWLINE],
      }),
      (error: unknown): Settled => ({ error }),
    ));
  };

  let lineNumber = 0;
  const onLine = (buffer: Buffer, start: number, end: number, next: number): void => {
    lineNumber++;
    if (end === start || isBlank(buffer, start, end)) return;
    const kind = parseRecords ? parseLine(buffer, start, end) : classifyLine(buffer, start, end);
    if (kind.kind === 'record') {
      // Lines joined across chunks, and lines of a chunk that failed the bulk check, are checked one by one.
      if ((buffer !== currentChunk || !chunkIsUtf8) && !isUtf8(buffer.subarray(start, end))) {
        router.noise(buffer.toString('utf8', start, end), 'not valid UTF-8', lineNumber);
        return;
      }
      const verdict = router.record(kind.stream, end - start, buffer, start, end, kind);
      if (typeof verdict === 'boolean') {
        if (verdict) forward(buffer, start, end, next);
      } else apply(verdict, buffer, start, end);
      return;
    }
    if (kind.kind === 'message') {
      const verdict = router.message(kind.message, end - start, buffer.subarray(start, end));
      if (verdict === true) forward(buffer, start, end, next);
      else if (verdict !== false) apply(verdict, buffer, start, end);
      return;
    }
    router.noise(buffer.toString('utf8', start, end), kind.reason, lineNumber);
  };

  let currentChunk: Buffer | undefined;
  const onChunk = options.onChunk;
  const onWaiting = options.onWaiting;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    onChunk?.();
    currentChunk = chunk;
    const first = chunk.indexOf(0x0a);
    const last = first === -1 ? -1 : chunk.lastIndexOf(0x0a);
    chunkIsUtf8 = last > first ? isUtf8(chunk.subarray(first + 1, last + 1)) : true;
    await pushThenFlush(() => splitter.push(chunk, onLine));
  }
  currentChunk = undefined;
  await pushThenFlush(() => splitter.end(onLine));

  // When a router throws to stop the relay, the lines it accepted before still reach the output.
  async function pushThenFlush(push: () => void): Promise<void> {
    let failure: unknown;
    try {
      push();
    } catch (error) {
      failure = error;
    }
    closeRun();
    await flush();
    if (failure !== undefined) throw failure;
  }

  // Undefined when the output took the piece without asking to wait: the usual case costs no await.
  function write(piece: Buffer): Promise<void> | undefined {
    if (output === null) return undefined;
    const waiting = writeWithBackpressure(output, piece);
    if (!waiting) return undefined;
    onWaiting?.(true);
    return waiting.then(() => onWaiting?.(false));
  }

  async function flush(): Promise<void> {
    if (pending.length === 0) return;
    // Lines a router gave, and verdicts that came later, are gathered and written together before the next run.
    const batch: Piece[] = [];
    const writeBatch = (): Promise<void> | undefined => {
      if (batch.length === 0) return undefined;
      const bytes = encodeBatch(batch);
      batch.length = 0;
      return write(bytes);
    };
    try {
      for (const piece of pending) {
        if (Buffer.isBuffer(piece)) {
          const waitingForBatch = writeBatch();
          if (waitingForBatch) await waitingForBatch;
          const waiting = write(piece);
          if (waiting) await waiting;
        } else if (Array.isArray(piece)) {
          for (const bytes of piece) batch.push(bytes);
        } else {
          const settled = await piece;
          if ('error' in settled) {
            // The lines before the failed one are still written.
            const waiting = writeBatch();
            if (waiting) await waiting;
            throw settled.error;
          }
          for (const bytes of settled.pieces) batch.push(bytes);
        }
      }
      const waiting = writeBatch();
      if (waiting) await waiting;
    } finally {
      pending.length = 0;
      batch.length = 0;
    }
  }
}

/** One buffer for a batch of pieces: text is joined and encoded once (the usual batch is all text: mapped lines). */
function encodeBatch(batch: readonly Piece[]): Buffer {
  if (batch.length === 1 && Buffer.isBuffer(batch[0])) return batch[0];
  if (batch.every((piece) => typeof piece === 'string')) return Buffer.from(batch.join(''));
  return Buffer.concat(batch.map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : piece)));
}
