// Owns `read` as a pump: runs a source and relays its protocol messages to an output unchanged (the source's
// own bytes), except LOG and TRACE lines that carry a secret, which are masked. Lines that are not protocol
// messages go to the log. A reader that stops reading (`| head`) ends the read; it is not a failure.
import type { Writable } from 'node:stream';
import type { ConfiguredAirbyteCatalog } from '../../protocol/types.generated.js';
import type { ConnectorClient } from '../connector-client.js';
import type { ConnectorOutput } from '../connector-output.js';
import type { LineRouter } from '../relay.js';
import { redactedLine } from '../redacted-line.js';

export interface ReadPumpRequest {
  config: unknown;
  /** Names the config in validation errors, e.g. its file. */
  configLabel: string;
  catalog: ConfiguredAirbyteCatalog;
  state?: unknown;
}

/** Validates the config, runs the source to its end into `output`, and throws its failure, if any. */
export async function pumpRead(client: ConnectorClient, request: ReadPumpRequest, output: Writable): Promise<void> {
  await client.prepareConfig(request.config, request.configLabel);
  const { config, catalog, state } = request;
  const outcome = await client.run('read', { config, catalog, state, output }, (connectorOutput) => printingRouter(client, connectorOutput));
  if (outcome.failure) throw outcome.failure;
}

/**
 * Forwards every line as it came, masking secrets in LOG and TRACE lines; remembers TRACE errors and LOG lines
 * for the failure's explanation. Shared by the read and write pumps.
 */
export function printingRouter(client: ConnectorClient, output: ConnectorOutput): LineRouter {
  return {
    record: () => true,
    message: (message) => {
      if (message.type === 'TRACE') output.handleSideMessage(message);
      else if (message.type === 'LOG') output.rememberLog(message.log!);
      // A rotated secret is masked in every later line; the CONTROL line itself is the output asked for.
      if (message.type === 'CONTROL' && message.control?.connectorConfig) client.maskSecretsOf(message.control.connectorConfig.config);
      return redactedLine(message, client.redact);
    },
    noise: (text, reason, line) => output.handleNoise(text, reason, line),
  };
}
