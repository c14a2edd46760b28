// Owns `sluice read <connector> --config F --catalog F [--state F]`: runs a source and prints its protocol
// messages on stdout as JSON lines, nothing else (lines that are not protocol messages go to the log).
import { Command } from 'commander';
import { connectorClient, interruptSignal, loggerFor, withConnectorOptions, type ConnectorOptions } from '../context.js';
import { readCatalogFile } from '../../runtime/catalog-file.js';
import { readJsonFile } from '../../runtime/json-files.js';
import { StateFile } from '../../runtime/sync/state-file.js';
import { relayLines } from '../../runtime/relay.js';
import { redactedLine } from '../../runtime/redacted-line.js';
import { WritableClosedError } from '../../runtime/backpressure.js';

interface ReadOptions extends ConnectorOptions {
  config: string;
  catalog: string;
  state?: string;
}

export function readCommand(): Command {
  return withConnectorOptions(new Command('read'))
    .description("run a source and print its messages on stdout")
    .argument('<connector>', 'built-in name, path, command, or docker:IMAGE[:TAG]')
    .requiredOption('--config <file>', 'source config (JSON)')
    .requiredOption('--catalog <file>', 'configured catalog (JSON)')
    .option('--state <file>', 'state to resume from (JSON)')
    .action(async (reference: string, options: ReadOptions, command: Command) => {
      const config = await readJsonFile(options.config, 'config');
      const catalog = await readCatalogFile(options.catalog);
      const state = options.state === undefined ? undefined : await StateFile.readForSource(options.state);
      const client = await connectorClient(reference, options, loggerFor(command), interruptSignal(loggerFor(command)));
      await client.prepareConfig(config, options.config);
      const source = await client.startRead({ config, catalog, state });
      try {
        await relayLines(
          source.running.stdout,
          process.stdout,
          {
            record: () => true,
            message: (message) => {
              if (message.type === 'TRACE') source.output.handleSideMessage(message);
              else if (message.type === 'LOG') source.output.rememberLog(message.log!);
              // A rotated secret is masked in every later line; the CONTROL line itself is the output asked for.
              if (message.type === 'CONTROL' && message.control?.connectorConfig) client.maskSecretsOf(message.control.connectorConfig.config);
              return redactedLine(message, client.redact);
            },
            noise: (text, reason, line) => source.output.handleNoise(text, reason, line),
          },
          { maxLineBytes: Number(options.maxLineBytes) },
        );
      } catch (error) {
        await source.running.stop();
        // Whoever reads our stdout stopped reading (`| head`): that ends the read, it is not a failure.
        if (error instanceof WritableClosedError) return;
        throw client.streamError('read', error);
      }
      await source.finish();
    });
}
