// Echoing a STATE (connectors/kit/state-echo.ts): the line as received, destinationStats set, every other byte kept.
import { describe, expect, it } from 'vitest';
import { echoStateLine } from '../../connectors/kit/state-echo.js';

describe('echoStateLine', () => {
  it('sets destinationStats in the line as received, keeping every other byte', () => {
    expect(echoStateLine('{"type":"STATE","state":{"data":{"n":12345678901234567890}}}', 3)).toBe('{"type":"STATE","state":{"data":{"n":12345678901234567890},"destinationStats":{"recordCount":3}}}');
    expect(echoStateLine('{ "state" : { "type":"GLOBAL", "destinationStats" : {"recordCount": 9}, "x": 1.50 } , "type":"STATE"}', 2)).toBe('{ "state" : { "type":"GLOBAL", "destinationStats" : {"recordCount":2}, "x": 1.50 } , "type":"STATE"}');
    expect(echoStateLine('{"type":"STATE","state":{}}', 0)).toBe('{"type":"STATE","state":{"destinationStats":{"recordCount":0}}}');
  });
});
