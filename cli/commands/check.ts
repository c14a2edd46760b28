// Owns `sluice check <connector> --config F`: exits 0 when the connector reports SUCCEEDED, 1 when FAILED.
import { Command } from 'commander';
import { connectorClient, interruptSignal, loggerFor, withConnectorOptions, type ConnectorOptions } from '../context.js';
import { printJson, printLines } from '../output.js';
import { readJsonFile } from '../../runtime/json-files.js';
import { ExitCode } from '../../runtime/errors.js';

export function checkCommand(): Command {
  return withConnectorOptions(new Command('check'))
    .description('check that a connector can connect with a config')
    .argument('<connector>', 'built-in name, path, command, or docker:IMAGE[:TAG]')
    .option('--config <file>', 'connector config (JSON)', undefined)
    .option('--json', 'print the connection status as JSON')
    .action(async (reference: string, options: ConnectorOptions & { config?: string; json?: boolean }, command: Command) => {
      const config = options.config === undefined ? {} : await readJsonFile(options.config, 'config');
      const client = await connectorClient(reference, options, loggerFor(command), interruptSignal(loggerFor(command)));
      const status = await client.check(config, options.config ?? 'config');
      if (options.json) printJson(status);
      else printLines([`${status.status}${status.message ? `: ${status.message}` : ''}`]);
      if (status.status !== 'SUCCEEDED') process.exitCode = ExitCode.runtime;
    });
}
