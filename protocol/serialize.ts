// Owns turning protocol messages into JSON lines (one object, one line, LF-terminated).
import type { AirbyteMessage } from './types.generated.js';

export function serializeMessage(message: AirbyteMessage | Record<string, unknown>): string {
  return `${JSON.stringify(message)}\n`;
}
