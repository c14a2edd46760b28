// Owns `sluice write <connector> --config F --catalog F`: feeds protocol messages from stdin to a destination
// and prints what it answers (its echoed states) on stdout (runtime/pumps/write-pump.ts says how).
import { Command } from 'commander';
import { connectorClient, interruptSignal, loggerFor, withConnectorOptions, type ConnectorOptions } from '../context.js';
import { readCatalogFile } from '../../runtime/catalog-file.js';
import { readJsonFile } from '../../runtime/json-files.js';
import { pumpWrite } from '../../runtime/pumps/write-pump.js';

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
      await pumpWrite(client, { config, configLabel: options.config, catalog }, process.stdin, process.stdout);
    });
}
