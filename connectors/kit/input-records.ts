// Owns a kit destination's stdin: each line becomes a DestinationRecord (its data's original text kept, parsed once
// without losing digits) or a parsed protocol message with its original text (so a STATE can be echoed exactly).
// Lines come in batches, one per chunk read: a generator step per line would cost more than the line's own work.
// A line that is not a protocol message, or a RECORD whose data is not valid JSON, stops the write with an error
// naming the line: a destination must not guess what it meant, nor store it. A destination that stores the data's
// text (`parse: false`) has it checked without being parsed; `data` is then parsed only if it is read.
import type { Readable } from 'node:stream';
import { isBlank } from '../../protocol/message-reader.js';
import { parseText } from '../../protocol/envelope.js';
import type { AirbyteMessage } from '../../protocol/types.generated.js';
import { ConnectorError } from './run-connector.js';
import { inputBatches } from './input-batches.js';
import { JsonScanError, scanAnyRecord, scanRecord, type RecordSpans } from './record-scan.js';
import { mightHaveLongNumbers, parseExact, parseLossless } from './exact-json.js';
import { isJson } from './json-check.js';

export interface DestinationRecord {
  stream: string;
  namespace?: string;
  /** Milliseconds since the epoch: the source's emitted_at, or the time the destination received a record without one. */
  emitted_at: number;
  /** True when the source gave no numeric emitted_at and the kit stamped the record. */
  stamped: boolean;
  /** The data object's JSON text exactly as the source wrote it. */
  dataJson: string;
  /** The data, parsed: numbers a double cannot hold exactly are LosslessNumbers (see exact-json.ts). */
  data: Record<string, unknown>;
  /** Whether `data` may hold LosslessNumbers: write its nested values with stringifyExact, not JSON.stringify. */
  longNumbers: boolean;
  /** The record's meta object as JSON text, when it has one. */
  metaJson?: string;
}

export type InputItem =
  | { kind: 'record'; record: DestinationRecord }
  | { kind: 'message'; message: AirbyteMessage; line: string };

export interface InputOptions {
  /** Parse each record's data (default), or only check it is JSON and parse it when `data` is first read. */
  parse?: boolean;
}

export async function* inputItems(input: Readable, options: InputOptions = {}): AsyncGenerator<InputItem[]> {
  const parse = options.parse ?? true;
  let lineNumber = 0;
  const toItem = (buffer: Buffer, start: number, end: number): InputItem | undefined => {
    lineNumber++;
    return isBlank(buffer, start, end) ? undefined : readLine(buffer.toString('utf8', start, end), lineNumber, parse);
  };
  // Without an idle limit no batch is undefined.
  for await (const batch of inputBatches(input, toItem)) yield batch!;
}

export function readLine(line: string, lineNumber: number, parse = true): InputItem {
  let spans: RecordSpans | undefined;
  try {
    spans = scanRecord(line);
  } catch (error) {
    if (!(error instanceof JsonScanError)) throw error;
  }
  if (spans) {
    const record = toRecord(line, spans, parse) ?? toRecord(line, rescan(line, lineNumber), parse);
    if (record) return { kind: 'record', record };
    throw new ConnectorError(`input line ${lineNumber} is a RECORD whose data is not valid JSON`, 'system_error');
  }
  const parsed = parseText(line);
  if (parsed.kind === 'noise') throw new ConnectorError(`input line ${lineNumber} is not a protocol message: ${parsed.reason}`, 'system_error');
  if (parsed.kind === 'message' && parsed.message.type === 'RECORD') {
    // Valid JSON that the scan could not place (it never happens for well-formed input): take the slow road.
    return { kind: 'record', record: toRecord(line, rescan(line, lineNumber), parse)! };
  }
  return { kind: 'message', message: (parsed as { message: AirbyteMessage }).message, line };
}

/** The compact scan trusts the line's shape; when its data does not parse, walk the line member by member. */
function rescan(line: string, lineNumber: number): RecordSpans {
  try {
    const spans = scanAnyRecord(line);
    if (spans) return spans;
  } catch (error) {
    if (!(error instanceof JsonScanError)) throw error;
    throw new ConnectorError(`input line ${lineNumber} is not a protocol message: ${error.message}`, 'system_error');
  }
  throw new ConnectorError(`input line ${lineNumber} is not a protocol message: not valid JSON`, 'system_error');
}

function toRecord(line: string, spans: RecordSpans, parse: boolean): DestinationRecord | undefined {
  const dataJson = line.slice(spans.dataStart, spans.dataEnd);
  // Unparsed data has its long-number check done only if a destination asks (a regex over every record's text).
  const longNumbers = parse ? mightHaveLongNumbers(dataJson) : undefined;
  let data: Record<string, unknown> | undefined;
  if (parse) {
    try {
      data = (longNumbers ? parseLossless(dataJson) : JSON.parse(dataJson)) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  } else if (!isJson(dataJson) && !parses(dataJson)) return undefined;
  const metaJson = spans.metaStart >= 0 && line.charCodeAt(spans.metaStart) === 123 ? line.slice(spans.metaStart, spans.metaEnd) : undefined;
  return new InputRecord(spans.stream, spans.namespace, spans.emittedAt, dataJson, longNumbers, metaJson, data);
}

/** The checker said no: JSON.parse has the last word (the checker gives up on very deep nesting). */
function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

class InputRecord implements DestinationRecord {
  readonly emitted_at: number;
  readonly stamped: boolean;
  #data: Record<string, unknown> | undefined;
  #longNumbers: boolean | undefined;

  constructor(
    readonly stream: string,
    readonly namespace: string | undefined,
    emittedAt: number | undefined,
    readonly dataJson: string,
    longNumbers: boolean | undefined,
    readonly metaJson: string | undefined,
    data: Record<string, unknown> | undefined,
  ) {
    this.stamped = emittedAt === undefined;
    this.emitted_at = emittedAt ?? Date.now();
    this.#longNumbers = longNumbers;
    this.#data = data;
  }

  get longNumbers(): boolean {
    return (this.#longNumbers ??= mightHaveLongNumbers(this.dataJson));
  }

  get data(): Record<string, unknown> {
    return (this.#data ??= parseExact(this.dataJson) as Record<string, unknown>);
  }
}
