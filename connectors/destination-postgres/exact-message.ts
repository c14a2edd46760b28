// Owns reading the messages destination-postgres parses (any but a RECORD) without losing a digit: with lossless-json,
// so a state's numbers stay LosslessNumbers and its hash tells apart cursors that differ past 2^53. (Echoing a STATE
// is the kit's: connectors/kit/state-echo.ts.)
import { isLosslessNumber, parse } from 'lossless-json';
import type { AirbyteMessage } from '../../protocol/types.generated.js';

/** The message on `line`, numbers kept exactly (as LosslessNumber). */
export function parseExact(line: string): AirbyteMessage {
  return parse(line) as AirbyteMessage;
}

/** The exact text of a number parsed by parseExact, or undefined for any other value. */
export function exactNumberText(value: unknown): string | undefined {
  return isLosslessNumber(value) ? value.value : undefined;
}
