// Owns reading and writing JSON without losing digits: a number a double cannot hold exactly (more than 15
// significant digits, or out of range) is kept as a LosslessNumber holding its original text. A cheap pre-check
// (protocol/exact-json.ts's mayLoseDigits: a run of 16 digits or dots, or a three-digit exponent) lets text
// without such a number go through the native JSON.parse; only the rest is parsed by lossless-json. Duplicate
// keys keep the last value, as JSON.parse does.
// A thin layer over protocol/exact-json.ts (same number rule, same pre-check, same stringify), which differs on
// purpose in what a destination receives: its numbers are LosslessNumbers, not the runtime's ExactNumbers, because
// the kit's public API promises LosslessNumber and a destination's own JSON.stringify of its data must not throw
// (ExactNumber.toJSON does, to guard state); duplicate keys keep the last value instead of failing the parse; and
// there is no depth limit, as JSON.parse, which reads most records, has none.
import { exactNumberParser, mayLoseDigits, stringifyExactJson } from '../../protocol/exact-json.js';
import { LosslessNumber, compareNumber, isLosslessNumber, parse } from 'lossless-json';

export { LosslessNumber, isLosslessNumber };

/** Whether `text` may hold a number JSON.parse would round; false guarantees it holds none. */
export const mightHaveLongNumbers = mayLoseDigits;

const parseNumber = exactNumberParser((text) => new LosslessNumber(text));
const lastWins = ({ newValue }: { newValue: unknown }): unknown => newValue;

/** Parses JSON text; numbers a double would round come back as LosslessNumber. Throws SyntaxError. */
export function parseExact(text: string): unknown {
  return mightHaveLongNumbers(text) ? parseLossless(text) : JSON.parse(text);
}

/** Parses with lossless-json, whatever the text holds. */
export const parseLossless = (text: string): unknown => parse(text, null, { parseNumber, onDuplicateKey: lastWins });

/** JSON text for a value that may hold LosslessNumbers (written as their original text). */
export function stringifyExact(value: unknown): string {
  // lossless-json writes undefined (a value JSON has no text for) as undefined: a destination gets null.
  return (stringifyExactJson(value) as string | undefined) ?? 'null';
}

/** Orders two JSON numbers given as text, exactly (negative when a < b). */
export const compareNumberText = (a: string, b: string): number => compareNumber(a, b);
