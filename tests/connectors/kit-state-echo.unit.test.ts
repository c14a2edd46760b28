// Echoing a STATE (connectors/kit/state-echo.ts): the line as received, destinationStats set, every other byte kept;
// a state is echoed only after the commit that follows it, in order, counting the records it covers.
import { describe, expect, it } from 'vitest';
import { StateEchoes, echoStateLine } from '../../connectors/kit/state-echo.js';
import type { AirbyteMessage } from '../../protocol/types.generated.js';

describe('echoStateLine', () => {
  it('sets destinationStats in the line as received, keeping every other byte', () => {
    expect(echoStateLine('{"type":"STATE","state":{"data":{"n":12345678901234567890}}}', 3)).toBe('{"type":"STATE","state":{"data":{"n":12345678901234567890},"destinationStats":{"recordCount":3}}}');
    expect(echoStateLine('{"type":"STATE","state":{"type":"LEGACY","data":{"c":12345678901234567891}}}', 3)).toBe('{"type":"STATE","state":{"type":"LEGACY","data":{"c":12345678901234567891},"destinationStats":{"recordCount":3}}}');
    expect(echoStateLine('{ "state" : { "type":"GLOBAL", "destinationStats" : {"recordCount": 9}, "x": 1.50 } , "type":"STATE"}', 2)).toBe('{ "state" : { "type":"GLOBAL", "destinationStats" : {"recordCount":2}, "x": 1.50 } , "type":"STATE"}');
    expect(echoStateLine('{"type":"STATE","state":{}}', 0)).toBe('{"type":"STATE","state":{"destinationStats":{"recordCount":0}}}');
  });
});

describe('StateEchoes', () => {
  const streamState = (name: string): [AirbyteMessage, string] => {
    const line = `{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"${name}"},"stream_state":{"n":1}}}}`;
    return [JSON.parse(line) as AirbyteMessage, line];
  };
  const counts = (lines: string[]): number[] => lines.map((line) => JSON.parse(line).state.destinationStats.recordCount);

  it('echoes held states only once the commit has run, in order, each with the records of its own stream', async () => {
    const echoes = new StateEchoes<string>();
    echoes.record('a', 3);
    echoes.record('b', 2);
    echoes.hold(...streamState('a'), 'first');
    echoes.record('b');
    echoes.hold(...streamState('b'), 'second');
    expect(echoes.size).toBe(2);
    const committed: string[][] = [];
    const lines = await echoes.commit(async (held) => void committed.push(held));
    expect(committed).toEqual([['first', 'second']]);
    expect(counts(lines)).toEqual([3, 3]);
    expect(echoes.size).toBe(0);
  });

  it('a GLOBAL or LEGACY state covers every stream', async () => {
    const echoes = new StateEchoes();
    echoes.record('a', 1);
    echoes.record('b', 2);
    const line = '{"type":"STATE","state":{"data":{"a":5}}}';
    echoes.hold(JSON.parse(line) as AirbyteMessage, line, undefined);
    expect(counts(await echoes.commit(async () => undefined))).toEqual([3]);
  });

  it('echoes nothing when the commit fails', async () => {
    const echoes = new StateEchoes();
    echoes.hold(...streamState('a'), undefined);
    await expect(echoes.commit(async () => Promise.reject(new Error('connection lost')))).rejects.toThrow('connection lost');
  });
});
