// Owns `write` as a pump: feeds protocol messages from an input to a destination and relays what it answers
// (its echoed states) to an output. An input line that is not a protocol message stops the input there: the
// destination still gets end of input, so it commits what it received, then the pump fails. Input that ends
// cleanly is followed by a COMPLETE stream status for every stream, as a sync sends.
import type { Readable, Writable } from 'node:stream';
import type { ConfiguredAirbyteCatalog } from '../../protocol/types.generated.js';
import type { ConnectorClient } from '../connector-client.js';
import { relayLines } from '../relay.js';
import { SluiceError } from '../errors.js';
import { WritableClosedError } from '../backpressure.js';
import { sendStreamsComplete } from '../stream-completion.js';
import { printingRouter } from './read-pump.js';

export interface WritePumpRequest {
  config: unknown;
  /** Names the config in validation errors, e.g. its file. */
  configLabel: string;
  catalog: ConfiguredAirbyteCatalog;
}

/** Validates the config, runs the destination to its end, and throws its failure, then the input's, if any. */
export async function pumpWrite(client: ConnectorClient, request: WritePumpRequest, input: Readable, output: Writable): Promise<void> {
  await client.prepareConfig(request.config, request.configLabel);
  const { config, catalog } = request;
  let feeding: Promise<unknown> = Promise.resolve(undefined);
  const feed = (stdin: Writable): void => {
    feeding = feedInput(input, stdin, catalog, client.options.maxLineBytes);
  };
  const outcome = await client.run('write', { config, catalog, input: feed, output }, (connectorOutput) => printingRouter(client, connectorOutput));
  if (outcome.failure) throw outcome.failure;
  // Whoever reads our output stopped reading: the destination was stopped, the write did not complete.
  if (outcome.outputClosed) throw new WritableClosedError();
  const inputError = await feeding;
  if (inputError) throw inputError;
}

/** Relays the input's messages to the destination's stdin and closes it; resolves to the input's error, if any. */
function feedInput(input: Readable, stdin: Writable, catalog: ConfiguredAirbyteCatalog, maxLineBytes: number | undefined): Promise<unknown> {
  return relayLines(
    input,
    stdin,
    {
      record: () => true,
      message: () => true,
      noise: (_text, reason, lineNumber) => {
        throw new SluiceError('input.invalid_message', `stdin line ${lineNumber} is not a protocol message: ${reason}`);
      },
    },
    { maxLineBytes, parseRecords: true },
  )
    .then(
      async () => {
        // The input ended cleanly: the streams are complete, so overwritten data may be swapped in.
        await sendStreamsComplete(stdin, catalog).catch(() => undefined);
        return undefined;
      },
      (error: unknown) => (error instanceof WritableClosedError ? undefined : error),
    )
    .finally(() => stdin.end());
}
