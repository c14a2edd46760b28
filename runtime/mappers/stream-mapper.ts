// Owns applying one stream's compiled steps to its RECORD lines: the one parse (exact when the line may hold a
// number a double would change), the steps in order on `record.data`, the stream's on_error policy, and the one
// serialise. Everything of the message outside `data` (stream, namespace, emitted_at, meta, unknown fields) is kept.
// Synchronous unless a step is asynchronous (expression), so a stream without one never waits on a promise.
// When every step can work on spans (rename, hash, encrypt, select) and the relay says where the data is, a record is
// edited in place instead (span-record.ts): no parse, no serialise; a record the span form cannot map exactly the
// same way (an escaped or repeated key, a value of another type) falls back to the parse.
import { JsonTooDeepError, mayLoseDigits, parseExactJson, stringifyExactJson } from '../../protocol/exact-json.js';
import { SluiceError } from '../errors.js';
import { StepFailure, type CompiledStep, type MappedRecord } from './compiled-step.js';
import { isPlainObject } from './step-definition.js';
import { FieldIds, SpanRecord } from './span-record.js';
import { DROPPED, type OnError } from './types.js';
import type { RecordFacts } from '../../protocol/envelope.js';

/** The mapped line (bytes, or text when only the data was parsed), or DROPPED. */
export type MapResult = Buffer | string | typeof DROPPED;

/** Where a mapped record lands in the destination, when that is not its source stream (a prefix or a namespace). */
export interface StreamTarget {
  name: string;
  namespace?: string;
}

interface ParsedLine {
  /** What the steps map: the message's record, or a record holding only the data (see `around`). */
  record: MappedRecord;
  /** The whole message, when it was parsed. */
  message?: { record: MappedRecord };
  exact: boolean;
  /** When only the data was parsed: the line, whose bytes before and after the data are copied around the new data. */
  around?: { line: Buffer; start: number; dataStart: number; dataEnd: number; end: number };
}

export class StreamMapper {
  readonly #stream: string;
  readonly #steps: readonly CompiledStep[];
  readonly #skip: boolean;
  readonly #async: boolean;
  readonly #target: StreamTarget | undefined;
  readonly #fields: FieldIds;
  /** The span form of the record being mapped, when every step has one. */
  readonly #spans: SpanRecord | undefined;

  constructor(stream: string, steps: readonly CompiledStep[], onError: OnError, fields = new FieldIds(), target?: StreamTarget) {
    this.#stream = stream;
    this.#steps = steps;
    this.#skip = onError === 'skip';
    this.#async = steps.some((step) => step.isAsync);
    this.#target = target;
    this.#fields = fields;
    this.#spans = target === undefined && steps.every((step) => step.applyToSpans !== undefined) ? new SpanRecord(fields) : undefined;
  }

  /**
   * The same mapper, writing its records to `target` (the stream's name and namespace in the destination), so a
   * connection with a prefix or namespace renames the stream in the mapper's one serialise, not in a second pass.
   */
  landingIn(target: StreamTarget): StreamMapper {
    return new StreamMapper(this.#stream, this.#steps, this.#skip ? 'skip' : 'fail', this.#fields, target);
  }

  /** Whether map() returns promises (the stream has an expression step). */
  get isAsync(): boolean {
    return this.#async;
  }

  /**
   * Maps the RECORD message at `line[start, end)` (no newline): the new line's bytes, or DROPPED when a filter did
   * not keep it. `recordNumber` (1-based, per stream) names the record in errors. `facts`, when the caller has them
   * (the relay's check of the line found them), say whether the line needs the exact parse and where its data is:
   * then only the data is parsed and serialised, and the rest of the line is copied as it came.
   */
  map(line: Buffer, start: number, end: number, recordNumber: number, facts?: RecordFacts): MapResult | Promise<MapResult> {
    if (this.#spans !== undefined && facts !== undefined && facts.dataStart >= 0) {
      const edited = this.#mapSpans(this.#spans, line, start, end, facts);
      if (edited !== undefined) return edited;
    }
    const parsed = this.#parse(line, start, end, recordNumber, facts);
    if (this.#async) return this.#mapAsync(parsed, recordNumber);
    const record = parsed.record;
    const steps = this.#steps;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      let keep: boolean;
      try {
        keep = step.apply(record) as boolean;
      } catch (error) {
        keep = this.#onFailure(step, record, error, recordNumber);
      }
      if (!keep) return DROPPED;
    }
    return this.#serialise(parsed);
  }

  /** The line with every step applied to its spans, or undefined when the record needs the parse path. */
  #mapSpans(spans: SpanRecord, line: Buffer, start: number, end: number, facts: RecordFacts): string | undefined {
    if (!spans.load(line, start, end, facts.dataStart, facts.dataEnd)) return undefined;
    const steps = this.#steps;
    for (let i = 0; i < steps.length; i++) if (!steps[i]!.applyToSpans!(spans)) return undefined;
    return spans.text();
  }

  async #mapAsync(parsed: ParsedLine, recordNumber: number): Promise<MapResult> {
    const record = parsed.record;
    for (const step of this.#steps) {
      let keep: boolean;
      try {
        const applied = step.apply(record);
        keep = typeof applied === 'boolean' ? applied : await applied;
      } catch (error) {
        keep = this.#onFailure(step, record, error, recordNumber);
      }
      if (!keep) return DROPPED;
    }
    return this.#serialise(parsed);
  }

  #parse(line: Buffer, start: number, end: number, recordNumber: number, facts: RecordFacts | undefined): ParsedLine {
    // Only the data when the rest of the message stays as it is: no stream to rename, and no meta.changes note to
    // add (on_error: skip may add one).
    const dataOnly = facts !== undefined && facts.dataStart >= 0 && this.#target === undefined && !this.#skip;
    const text = dataOnly ? line.toString('utf8', facts.dataStart, facts.dataEnd) : line.toString('utf8', start, end);
    const exact = facts?.longNumber ?? mayLoseDigits(text);
    let value: unknown;
    try {
      value = exact ? parseExactJson(text) : JSON.parse(text);
    } catch (error) {
      // The parser's message quotes the line; the cause keeps it, the message does not (records may be personal).
      const problem = error instanceof JsonTooDeepError ? `is nested too deep (${error.message})` : 'is not valid JSON';
      throw this.#failed(`record ${recordNumber}: the RECORD line ${problem}`, error);
    }
    if (dataOnly) {
      return { record: { data: value as MappedRecord['data'] }, exact, around: { line, start, dataStart: facts.dataStart, dataEnd: facts.dataEnd, end } };
    }
    const message = value as { record?: { data?: unknown } } | undefined;
    // The relay checked the line's envelope already; this guards a caller that did not.
    if (!isPlainObject(message?.record) || !isPlainObject(message.record.data)) {
      throw this.#failed(`record ${recordNumber}: the RECORD message has no record.data object`);
    }
    return { record: message.record as MappedRecord, message: message as ParsedLine['message'], exact };
  }

  /** The stream's policy for a step that threw: fail the sync, or null the value and note it in meta.changes. */
  #onFailure(step: CompiledStep, record: MappedRecord, error: unknown, recordNumber: number): boolean {
    if (!(error instanceof StepFailure)) throw error;
    if (!this.#skip) throw this.#stepFailed(step, error, recordNumber);
    const nulled: string[] = [];
    let keep: boolean;
    try {
      keep = step.recover(record, error, nulled);
    } catch (unrecoverable) {
      if (unrecoverable instanceof StepFailure) throw this.#stepFailed(step, unrecoverable, recordNumber);
      throw unrecoverable;
    }
    noteNulled(record, nulled);
    return keep;
  }

  #stepFailed(step: CompiledStep, failure: StepFailure, recordNumber: number): SluiceError {
    const field = failure.field === undefined ? '' : `, field ${failure.field}`;
    return this.#failed(`${step.label}${field}, record ${recordNumber}: ${failure.reason}`);
  }

  #failed(detail: string, cause?: unknown): SluiceError {
    return new SluiceError('mapper.failed', `stream ${this.#stream}, ${detail}`, { cause });
  }

  #serialise({ record, message, exact, around }: ParsedLine): Buffer | string {
    if (around !== undefined) {
      // Text: the relay encodes a chunk's mapped lines at once (a Buffer per line costs more than the mapping).
      const data = exact ? stringifyExactJson(record.data) : JSON.stringify(record.data);
      const { line, start, dataStart, dataEnd, end } = around;
      return line.toString('utf8', start, dataStart) + data + line.toString('utf8', dataEnd, end);
    }
    const target = this.#target;
    if (target !== undefined) {
      record['stream'] = target.name;
      if (target.namespace === undefined) delete record['namespace'];
      else record['namespace'] = target.namespace;
    }
    return Buffer.from(exact ? stringifyExactJson(message) : JSON.stringify(message));
  }
}

/** Appends the protocol's note for each nulled field to `record.meta.changes`, keeping the notes already there. */
function noteNulled(record: MappedRecord, fields: readonly string[]): void {
  const meta = isPlainObject(record.meta) ? record.meta : (record.meta = {});
  const changes = Array.isArray(meta['changes']) ? (meta['changes'] as unknown[]) : (meta['changes'] = []);
  for (const field of fields) changes.push({ field, change: 'NULLED', reason: 'PLATFORM_SERIALIZATION_ERROR' });
}
