// Owns the STATE lines destination-postgres reads and echoes, without losing a digit: a message other than a
// RECORD is parsed with lossless-json (its numbers stay LosslessNumbers, so a state's hash tells apart cursors that
// differ past 2^53), and the echo is the input line itself with `destinationStats` set inside its `state` object.
import { isLosslessNumber, parse } from 'lossless-json';
import type { AirbyteMessage } from '../../protocol/types.generated.js';
import { forEachMember, keyIs } from '../kit/record-scan.js';

/** The message on `line`, numbers kept exactly (as LosslessNumber). */
export function parseExact(line: string): AirbyteMessage {
  return parse(line) as AirbyteMessage;
}

/** The exact text of a number parsed by parseExact, or undefined for any other value. */
export function exactNumberText(value: unknown): string | undefined {
  return isLosslessNumber(value) ? value.value : undefined;
}

/** The STATE `line` as it came, with `"destinationStats":{"recordCount":N}` set in its `state` object. */
export function stateEcho(line: string, recordCount: number): string {
  const stats = `"destinationStats":{"recordCount":${recordCount}}`;
  let stateStart = -1;
  let stateEnd = -1;
  forEachMember(line, 0, (keyStart, keyEnd, valueStart, valueEnd) => {
    if (keyIs(line, keyStart, keyEnd, '"state"')) {
      stateStart = valueStart;
      stateEnd = valueEnd;
    }
  });
  let statsStart = -1;
  let statsEnd = -1;
  let members = 0;
  forEachMember(line, stateStart, (keyStart, keyEnd, _valueStart, valueEnd) => {
    members++;
    if (keyIs(line, keyStart, keyEnd, '"destinationStats"')) {
      statsStart = keyStart;
      statsEnd = valueEnd;
    }
  });
  if (statsStart >= 0) return line.slice(0, statsStart) + stats + line.slice(statsEnd);
  const close = stateEnd - 1;
  return `${line.slice(0, close)}${members > 0 ? ',' : ''}${stats}${line.slice(close)}`;
}
