// Exact JSON for state blobs: every digit survives a parse and a stringify, JSON.stringify refuses an exact number
// instead of rounding it, and the ledger matches a destination's rounded echo to the exact state it commits.
import { describe, expect, it } from 'vitest';
import { ExactNumber, MAX_JSON_DEPTH, mayLoseDigits, nestingDepth, parseExactJson, stringifyExactJson } from '../../protocol/exact-json.js';
import { parseText } from '../../protocol/envelope.js';
import { StateLedger } from '../../runtime/sync/commit/ledger.js';
import type { AirbyteStateMessage } from '../../protocol/types.generated.js';

const BIG = '1234567890123456250';
const DECIMAL = '0.1000000000000000055511151231257827';

describe('exact JSON', () => {
  it('keeps integers beyond 2^53, long decimals and overflowing numbers digit for digit; safe numbers stay plain', () => {
    const text = `{"cursor":${BIG},"ratio":${DECIMAL},"huge":1e400,"small":42,"half":0.5,"list":[-${BIG}]}`;
    const value = parseExactJson(text) as Record<string, unknown>;
    expect(value['small']).toBe(42);
    expect(value['half']).toBe(0.5);
    expect(value['cursor']).toBeInstanceOf(ExactNumber);
    expect(stringifyExactJson(value)).toBe(text);
  });

  it('sends a line to the exact parse only when a number may need it, not for an email like moore123@', () => {
    expect(mayLoseDigits('{"n":1e308}')).toBe(true);
    expect(mayLoseDigits('{"n":-2.5E-400}')).toBe(true);
    expect(mayLoseDigits(`{"n":${BIG}}`)).toBe(true);
    expect(mayLoseDigits(`{"n":${DECIMAL}}`)).toBe(true);
    expect(mayLoseDigits('{"email":"jo.moore123@example.com","name":"Jane Doe","id":123}')).toBe(false);
    expect(mayLoseDigits('{"code":"E404","n":1e5}')).toBe(false);
  });

  it('writes what JSON.stringify writes for values without exact numbers, indentation included', () => {
    const value = { a: [1, 'two', null, { b: true }], c: 'é"\n', d: undefined, e: new Date(0) };
    expect(stringifyExactJson(value, 2)).toBe(JSON.stringify(value, null, 2));
  });

  it('makes JSON.stringify throw on an exact number instead of writing a rounded one', () => {
    expect(() => JSON.stringify(parseExactJson(`{"cursor":${BIG}}`))).toThrow(`JSON.stringify met the exact number ${BIG}`);
  });

  it('refuses a document nested deeper than the limit before parsing it', () => {
    const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
    expect(() => parseExactJson(deep)).toThrow(`nested ${MAX_JSON_DEPTH + 1} levels deep (at most ${MAX_JSON_DEPTH})`);
    expect(nestingDepth('{"a":"[[[[\\"{{","b":[{}]}')).toBe(3);
  });

  it('parses a STATE line with exact numbers, and other messages as before', () => {
    const state = parseText(`{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"s"},"stream_state":{"cursor":${BIG}}}}}`);
    expect(state.kind === 'message' && stringifyExactJson(state.message)).toContain(`"cursor":${BIG}`);
  });
});

describe('the state ledger and exact numbers', () => {
  const stateWith = (cursor: string): AirbyteStateMessage =>
    (parseExactJson(`{"type":"STREAM","stream":{"stream_descriptor":{"name":"s"},"stream_state":{"cursor":${cursor}}}}`) as AirbyteStateMessage);

  it('commits the exact state the source sent when the destination echoes it rounded', () => {
    const ledger = new StateLedger();
    ledger.fromSource(stateWith(BIG), (descriptor) => descriptor.name);
    const commit = ledger.fromDestination(stateWith('1234567890123456300'));
    expect(stringifyExactJson(commit.state)).toContain(`"cursor":${BIG}`);
  });

  it('tells apart two states that differ only beyond the 16th digit when the echo is exact', () => {
    const ledger = new StateLedger();
    ledger.fromSource(stateWith('1234567890123456201'), (descriptor) => descriptor.name);
    ledger.fromSource(stateWith('1234567890123456202'), (descriptor) => descriptor.name);
    const commit = ledger.fromDestination(stateWith('1234567890123456202'));
    expect(stringifyExactJson(commit.state)).toContain('"cursor":1234567890123456202');
    expect(ledger.pendingCount).toBe(0);
  });

  it('matches a GLOBAL echo whose descriptor drops a null namespace (as a stream mapping\'s echo mapped back does)', () => {
    const global = (namespace: object): AirbyteStateMessage =>
      parseExactJson(`{"type":"GLOBAL","global":{"shared_state":{"lsn":${BIG}},"stream_states":[{"stream_descriptor":{"name":"s"${'namespace' in namespace ? ',"namespace":null' : ''}},"stream_state":{"c":1}}]}}`) as AirbyteStateMessage;
    const ledger = new StateLedger();
    ledger.fromSource(global({ namespace: null }), (descriptor) => descriptor.name);
    const commit = ledger.fromDestination(global({}));
    expect(stringifyExactJson(commit.state)).toContain(`"namespace":null`);
    expect(ledger.pendingCount).toBe(0);
  });
});

