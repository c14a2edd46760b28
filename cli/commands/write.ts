// Owns `sluice write <connector> --config F --catalog F`: feeds protocol messages from stdin to a destination
// and prints what it answers (its echoed states) on stdout. A stdin line that is not a protocol message stops
// the input there: the destination still gets end of input, so it commits what it received, then Sluice fails.
// Input that ends cleanly is followed by a COMPLETE stream status for every stream, as a sync sends.
import { Command } from 'commander';
import { connectorClient, interruptSignal, loggerFor, withConnectorOptions, type ConnectorOptions } from '../context.js';
import { readCatalogFile } from '../../runtime/catalog-file.js';
import { readJsonFile } from '../../runtime/json-files.js';
import { relayLines } from '../../runtime/relay.js';
import { redactedLine } from '../../runtime/redacted-line.js';
import { SluiceError } from '../../runtime/errors.js';
import { WritableClosedError } from '../../runtime/backpressure.js';
import { sendStreamsComplete } from '../../runtime/stream-completion.js';

interface WriteOptions extends ConnectorOptions {
  config: string;
  catalog: string;
}

export function writeCommand(): Command {
  return withConnectorOptions(new Command('write'))
    .description('run a destination with protocol messages from stdin')
    .argument('<connector>', 'built-in name, path, command, or docker:IMAGE[:TAG]')
    .requiredOption('--config <file>', 'destination config (JSON)')
    .requiredOption('--catalog <file>', 'configured catalog (JSON)')
    .action(async (reference: string, options: WriteOptions, command: Command) => {
      const config = await readJsonFile(options.config, 'config');
      const catalog = await readCatalogFile(options.catalog);
      const client = await connectorClient(reference, options, loggerFor(command), interruptSignal(loggerFor(command)));
      await client.prepareConfig(config, options.config);
      const destination = await client.startWrite({ config, catalog });
      const stdin = destination.running.stdin!;
      const maxLineBytes = Number(options.maxLineBytes);

      const feeding = relayLines(
        process.stdin,
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

      const answering = relayLines(
        destination.running.stdout,
        process.stdout,
        {
          record: () => true,
          message: (message) => {
            if (message.type === 'TRACE') destination.output.handleSideMessage(message);
            else if (message.type === 'LOG') destination.output.rememberLog(message.log!);
            // A rotated secret is masked in every later line; the CONTROL line itself is the output asked for.
            if (message.type === 'CONTROL' && message.control?.connectorConfig) client.maskSecretsOf(message.control.connectorConfig.config);
            return redactedLine(message, client.redact);
          },
          noise: (text, reason, line) => destination.output.handleNoise(text, reason, line),
        },
        { maxLineBytes },
      );
      const [inputError] = await Promise.all([feeding, answering.catch((error) => { throw client.streamError('write', error); })]);
      await destination.finish();
      if (inputError) throw inputError;
    });
}
