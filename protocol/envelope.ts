// Owns telling what one output line of a connector is, doing as little work as the answer needs.
// A RECORD line written the usual way ({"type":"RECORD","record":{"stream":"…"…) is recognised from its first
// bytes without parsing it, then checked for well-formedness in one cheap pass (protocol/record-line.ts), so the
// relay can forward the original bytes knowing the destination reads the same record of the same stream; every
// other line is parsed in full and checked for the fields its type requires. Lines that are not protocol
// messages are reported, never thrown. A STATE is parsed again keeping every digit of its numbers
// (exact-json.ts): it is stored and handed back.
import { isJsonSpace, skipJsonSpace } from './json-syntax.js';
import type { AirbyteMessage } from './types.generated.js';
import { mayLoseDigits, parseExactJson } from './exact-json.js';
import { recordLineDataEnd, recordLineDataStart, recordLineHasLongNumber, recordLineProblem } from './record-line.js';

/** Facts of a RECORD line found by its check: whether it holds a number JSON.parse may change (parse it with
 * exact-json.ts), and where its `record.data` object is ([dataStart, dataEnd) in the buffer). */
export interface RecordFacts {
  longNumber: boolean;
  dataStart: number;
  dataEnd: number;
}

export type LineKind =
  /**
   * A RECORD recognised from its prefix and checked to be well-formed JSON; it was not parsed. What the check
   * found on its way (RecordFacts) lets a reader that needs the data parse only that.
   */
  | ({ kind: 'record'; stream: string } & RecordFacts)
  /** A parsed protocol message (including RECORDs written in an unusual key order). */
  | { kind: 'message'; message: AirbyteMessage }
  /** Not a protocol message: a log line of the connector's, or a message missing what its type requires. */
  | { kind: 'noise'; reason: string };

const MESSAGE_TYPES = new Set([
  'RECORD',
  'STATE',
  'LOG',
  'SPEC',
  'CONNECTION_STATUS',
  'CATALOG',
  'TRACE',
  'CONTROL',
  'DESTINATION_CATALOG',
]);

const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** Classifies `buffer[start, end)`, one line without its line ending. */
export function classifyLine(buffer: Buffer, start: number, end: number): LineKind {
  const stream = recordStreamFromPrefix(buffer, start, end);
  if (stream === undefined) return parseLine(buffer, start, end);
  const problem = recordLineProblem(buffer, start, lastNameEnd + 1, end);
  if (problem !== undefined) return { kind: 'noise', reason: problem };
  return { kind: 'record', stream, longNumber: recordLineHasLongNumber(), dataStart: recordLineDataStart(), dataEnd: recordLineDataEnd() };
}

/** Parses one line in full and checks the envelope. */
export function parseLine(buffer: Buffer, start: number, end: number, exact = false): LineKind {
  let text: string;
  try {
    text = textDecoder.decode(buffer.subarray(start, end));
  } catch {
    return { kind: 'noise', reason: 'not valid UTF-8' };
  }
  return exact ? parseTextExact(text) : parseText(text);
}

/** As parseText, but every message (RECORDs included) keeps numbers a double would change as ExactNumbers. */
export function parseTextExact(text: string): LineKind {
  const parsed = parseText(text);
  if (parsed.kind !== 'message' || parsed.message.type === 'STATE' || !mayLoseDigits(text)) return parsed;
  try {
    return checkEnvelope(parseExactJson(text.trim()));
  } catch {
    return parsed;
  }
}

export function parseText(text: string): LineKind {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'noise', reason: 'empty line' };
  if (trimmed[0] !== '{') return { kind: 'noise', reason: 'not a JSON object' };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return { kind: 'noise', reason: 'not valid JSON' };
  }
  const kind = checkEnvelope(value);
  return kind.kind === 'message' && kind.message.type === 'STATE' ? exactState(trimmed, kind) : kind;
}

/**
 * The STATE message again, its numbers exact. A state too deep to parse again keeps the first parse: the state
 * check (protocol/message-checks.ts) refuses it by its depth.
 */
function exactState(text: string, parsed: LineKind): LineKind {
  try {
    return checkEnvelope(parseExactJson(text));
  } catch {
    return parsed;
  }
}

/** Checks that a parsed value is an Airbyte message with the part its type requires. */
export function checkEnvelope(value: unknown): LineKind {
  if (!isObject(value)) return { kind: 'noise', reason: 'not a JSON object' };
  const type = value['type'];
  if (typeof type !== 'string') return { kind: 'noise', reason: 'no "type" field' };
  if (!MESSAGE_TYPES.has(type)) return { kind: 'noise', reason: `unknown message type "${type}"` };
  const missing = missingPart(type, value);
  if (missing) return { kind: 'noise', reason: `${type} message ${missing}` };
  return { kind: 'message', message: value as unknown as AirbyteMessage };
}

function missingPart(type: string, message: Record<string, unknown>): string | undefined {
  switch (type) {
    case 'RECORD': {
      const record = message['record'];
      if (!isObject(record)) return 'has no "record" object';
      if (typeof record['stream'] !== 'string') return 'has no "record.stream"';
      if (!isObject(record['data'])) return 'has no "record.data" object';
      return undefined;
    }
    case 'STATE':
      return isObject(message['state']) ? undefined : 'has no "state" object';
    case 'LOG': {
      const log = message['log'];
      return isObject(log) && typeof log['message'] === 'string' ? undefined : 'has no "log.message"';
    }
    case 'SPEC': {
      const spec = message['spec'];
      return isObject(spec) && isObject(spec['connectionSpecification'])
        ? undefined
        : 'has no "spec.connectionSpecification"';
    }
    case 'CONNECTION_STATUS': {
      const status = message['connectionStatus'];
      return isObject(status) && (status['status'] === 'SUCCEEDED' || status['status'] === 'FAILED')
        ? undefined
        : 'has no "connectionStatus.status" of SUCCEEDED or FAILED';
    }
    case 'CATALOG': {
      const catalog = message['catalog'];
      return isObject(catalog) && Array.isArray(catalog['streams']) ? undefined : 'has no "catalog.streams" array';
    }
    case 'TRACE': {
      const trace = message['trace'];
      return isObject(trace) && typeof trace['type'] === 'string' ? undefined : 'has no "trace.type"';
    }
    case 'CONTROL':
      return isObject(message['control']) ? undefined : 'has no "control" object';
    case 'DESTINATION_CATALOG':
      return isObject(message['destination_catalog']) ? undefined : 'has no "destination_catalog" object';
    default:
      return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---- The RECORD fast path -------------------------------------------------------------------------------

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CLOSE_BRACE = 0x7d;

/**
 * When the line begins `{"type":"RECORD","record":{"stream":"NAME"` (any JSON white space between tokens) and
 * ends with `}`, returns NAME; otherwise undefined and the caller parses the line. The first key of the outer
 * object is then certainly the message type and the first key of `record` its stream, so nothing after the
 * stream name can change what the line is, except a repeated key, which classifyLine checks with the rest of
 * the line. Names with escapes take the slow path. UTF-8 validity is checked by the relay once per chunk.
 */
export function recordStreamFromPrefix(buffer: Buffer, start: number, end: number): string | undefined {
  // Most connectors write the compact form: check it in one pass before the white-space-tolerant walk.
  const at = matchToken(buffer, start, end, COMPACT_PREFIX);
  return streamNameAt(buffer, at >= 0 ? at : spacedPrefixEnd(buffer, start, end), end);
}

/** Where the stream name's opening quote is, for a prefix written with white space; -1 if it is not one. */
function spacedPrefixEnd(buffer: Buffer, start: number, end: number): number {
  let at = skipJsonSpace(buffer, start, end);
  if (buffer[at] !== 0x7b /* { */) return -1;
  at = matchToken(buffer, skipJsonSpace(buffer, at + 1, end), end, TYPE_KEY);
  if (at < 0) return -1;
  at = matchColon(buffer, at, end);
  if (at < 0) return -1;
  at = matchToken(buffer, skipJsonSpace(buffer, at, end), end, RECORD_VALUE);
  if (at < 0) return -1;
  at = skipJsonSpace(buffer, at, end);
  if (buffer[at] !== 0x2c /* , */) return -1;
  at = matchToken(buffer, skipJsonSpace(buffer, at + 1, end), end, RECORD_KEY);
  if (at < 0) return -1;
  at = matchColon(buffer, at, end);
  if (at < 0) return -1;
  at = skipJsonSpace(buffer, at, end);
  if (buffer[at] !== 0x7b) return -1;
  at = matchToken(buffer, skipJsonSpace(buffer, at + 1, end), end, STREAM_KEY);
  if (at < 0) return -1;
  at = matchColon(buffer, at, end);
  if (at < 0) return -1;
  return skipJsonSpace(buffer, at, end);
}

function streamNameAt(buffer: Buffer, at: number, end: number): string | undefined {
  if (at < 0 || buffer[at] !== QUOTE) return undefined;
  const nameStart = at + 1;
  let nameEnd = nameStart;
  while (nameEnd < end) {
    const byte = buffer[nameEnd];
    if (byte === QUOTE) break;
    if (byte === BACKSLASH || byte! < 0x20) return undefined;
    nameEnd++;
  }
  if (nameEnd >= end) return undefined;
  lastNameEnd = nameEnd;
  let last = end - 1;
  while (last > nameEnd && isJsonSpace(buffer[last]!)) last--;
  if (buffer[last] !== CLOSE_BRACE) return undefined;
  return streamName(buffer, nameStart, nameEnd);
}

const COMPACT_PREFIX = Buffer.from('{"type":"RECORD","record":{"stream":');
const TYPE_KEY = Buffer.from('"type"');
const RECORD_VALUE = Buffer.from('"RECORD"');
const RECORD_KEY = Buffer.from('"record"');
const STREAM_KEY = Buffer.from('"stream"');

// Where the closing quote of the last stream name found is: classifyLine checks the line from there. A module
// variable rather than a returned object, to allocate nothing per record.
let lastNameEnd = 0;

// Stream names repeat on every record: decode each distinct name once.
let lastNameBytes: Buffer | undefined;
let lastName = '';

function streamName(buffer: Buffer, start: number, end: number): string {
  const length = end - start;
  // Names are short: a byte loop is cheaper than a call into native code.
  if (lastNameBytes !== undefined && lastNameBytes.length === length) {
    let same = true;
    for (let i = 0; i < length; i++) {
      if (buffer[start + i] !== lastNameBytes[i]) {
        same = false;
        break;
      }
    }
    if (same) return lastName;
  }
  lastNameBytes = Buffer.from(buffer.subarray(start, end));
  lastName = lastNameBytes.toString('utf8');
  return lastName;
}

function matchToken(buffer: Buffer, at: number, end: number, token: Buffer): number {
  if (at + token.length > end) return -1;
  for (let i = 0; i < token.length; i++) if (buffer[at + i] !== token[i]) return -1;
  return at + token.length;
}

function matchColon(buffer: Buffer, at: number, end: number): number {
  const colon = skipJsonSpace(buffer, at, end);
  return buffer[colon] === 0x3a /* : */ ? colon + 1 : -1;
}

