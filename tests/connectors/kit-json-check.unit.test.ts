// The kit's JSON checker (connectors/kit/json-check.ts) says yes exactly when JSON.parse does: on hand-picked edge
// cases, and on thousands of random edits of a valid document (a seeded generator, so a failure can be replayed).
import { describe, expect, it } from 'vitest';
import { isJson } from '../../connectors/kit/json-check.js';

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('isJson', () => {
  it.each([
    '{}', '[]', '{"a":1}', ' {"a" : [1, -2.5e+3, true, false, null, "x\\u00e9\\n"]} ', '0', '-0', '"\\/"', '{"":""}', '[1,[2,[3]]]', '12345678901234567890',
    '{', '}', '{"a":}', '{"a":1,}', '[1,]', '01', '1.', '.5', '-', '1e', '"\\x"', '"a\n"', 'tru', 'nul', '{"a":1}x', '{a:1}', '[1 2]', '{"a" 1}', '"\\u12G4"', '+1', '{"a":1}}', '', 'NaN',
  ])('%j as JSON.parse does', (text) => {
    expect(isJson(text)).toBe(parses(text));
  });

  it('agrees with JSON.parse on 20000 random edits of a valid record', () => {
    let seed = 42;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const base = '{"id":12,"name":"Alan \\"L\\" Liskov","tags":["a","b"],"n":-1.5e-3,"o":{"x":null,"y":true,"z":false},"e":""}';
    const alphabet = '{}[]",:\\ 0123456789-+.eEtrufalsn\n';
    const disagreements: string[] = [];
    for (let k = 0; k < 20_000; k++) {
      const chars = base.split('');
      for (let edit = 0; edit <= k % 3; edit++) {
        const at = Math.floor(random() * (chars.length + 1));
        const char = alphabet[Math.floor(random() * alphabet.length)]!;
        const kind = random();
        if (kind < 0.33) chars.splice(at, 1);
        else if (kind < 0.66) chars.splice(at, 0, char);
        else chars[at] = char;
      }
      const text = chars.join('');
      if (isJson(text) !== parses(text)) disagreements.push(text);
    }
    expect(disagreements).toEqual([]);
  });

  it('checks a span of a longer text', () => {
    const line = 'xx{"a":[1,2]}yy';
    expect(isJson(line, 2, 13)).toBe(true);
    expect(isJson(line, 2, 12)).toBe(false);
  });
});
