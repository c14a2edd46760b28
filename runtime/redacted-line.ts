// Owns masking secrets in the messages a connector writes about itself (LOG and TRACE) when they are printed:
// the message is re-serialised only when it actually contains a secret.
import type { AirbyteMessage } from '../protocol/types.generated.js';
import type { Redactor } from './secrets.js';

/** true to forward the original line, or the masked line to forward instead. */
export function redactedLine(message: AirbyteMessage, redact: Redactor): true | Buffer {
  if (message.type !== 'LOG' && message.type !== 'TRACE') return true;
  const text = JSON.stringify(message);
  const masked = redact(text);
  return masked === text ? true : Buffer.from(masked);
}
