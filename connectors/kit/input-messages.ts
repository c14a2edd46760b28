// Owns a destination's stdin: yields each protocol message parsed, skipping blank lines and reporting lines
// that are not protocol messages (a destination must not guess what they meant).
import type { Readable } from 'node:stream';
import { readMessages } from '../../protocol/message-reader.js';
import type { AirbyteMessage } from '../../protocol/types.generated.js';
import { ConnectorError } from './run-connector.js';

export async function* inputMessages(input: Readable): AsyncGenerator<AirbyteMessage> {
  for await (const item of readMessages(input)) {
    if (item.kind === 'noise') {
      throw new ConnectorError(`input line ${item.lineNumber} is not a protocol message: ${item.reason}`, 'system_error');
    }
    yield item.message;
  }
}
