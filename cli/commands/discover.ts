// Owns `sluice discover <connector> --config F`: prints the streams a source offers, as a table or as JSON.
import { Command } from 'commander';
import { connectorClient, interruptSignal, loggerFor, withConnectorOptions, type ConnectorOptions } from '../context.js';
import { printJson, printLines, table } from '../output.js';
import { readJsonFile } from '../../runtime/json-files.js';
import type { AirbyteCatalog } from '../../protocol/types.generated.js';

export function discoverCommand(): Command {
  return withConnectorOptions(new Command('discover'))
    .description('list the streams a source offers')
    .argument('<connector>', 'built-in name, path, command, or docker:IMAGE[:TAG]')
    .option('--config <file>', 'connector config (JSON)')
    .option('--json', 'print the CATALOG as JSON')
    .action(async (reference: string, options: ConnectorOptions & { config?: string; json?: boolean }, command: Command) => {
      const config = options.config === undefined ? {} : await readJsonFile(options.config, 'config');
      const client = await connectorClient(reference, options, loggerFor(command), interruptSignal(loggerFor(command)));
      const catalog = await client.discover(config, options.config ?? 'config');
      if (options.json) printJson(catalog);
      else printLines(describeCatalog(catalog));
    });
}

function describeCatalog(catalog: AirbyteCatalog): string[] {
  const path = (keys: string[] | undefined): string => (keys && keys.length > 0 ? keys.join('.') : '');
  const rows = catalog.streams.map((stream) => [
    stream.namespace ? `${stream.namespace}.${stream.name}` : stream.name,
    stream.supported_sync_modes.join(','),
    path(stream.default_cursor_field),
    (stream.source_defined_primary_key ?? []).map(path).join(','),
    String(Object.keys((stream.json_schema as { properties?: object }).properties ?? {}).length),
  ]);
  if (rows.length === 0) return ['no streams'];
  return table(['STREAM', 'SYNC MODES', 'CURSOR', 'PRIMARY KEY', 'FIELDS'], rows);
}
