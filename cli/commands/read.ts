// Owns `sluice read <connector> --config F --catalog F [--state F]`: runs a source and prints its protocol
// messages on stdout as JSON lines, nothing else (lines that are not protocol messages go to the log).
import { Command } from 'commander';
import { connectorClient, interruptSignal, loggerFor, withConnectorOptions, type ConnectorOptions } from '../context.js';
import { readCatalogFile } from '../../runtime/catalog-file.js';
import { readJsonFile } from '../../runtime/json-files.js';
import { readStateFileForSource } from '../../runtime/sync/commit/state-file.js';
import { pumpRead } from '../../runtime/pumps/read-pump.js';

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
      const state = options.state === undefined ? undefined : await readStateFileForSource(options.state);
      const client = await connectorClient(reference, options, loggerFor(command), interruptSignal(loggerFor(command)));
      await pumpRead(client, { config, configLabel: options.config, catalog, state }, process.stdout);
    });
}
