// Owns `sluice spec <connector>`: prints the connector's specification, as a field table or as JSON.
import { Command } from 'commander';
import { connectorClient, interruptSignal, loggerFor, withConnectorOptions, type ConnectorOptions } from '../context.js';
import { printJson, printLines, table } from '../output.js';
import type { ConnectorSpecification } from '../../protocol/types.generated.js';

export function specCommand(): Command {
  return withConnectorOptions(new Command('spec'))
    .description("print a connector's specification (the config it accepts)")
    .argument('<connector>', 'built-in name, path, command, or docker:IMAGE[:TAG]')
    .option('--json', 'print the SPEC as JSON')
    .action(async (reference: string, options: ConnectorOptions & { json?: boolean }, command: Command) => {
      const client = await connectorClient(reference, options, loggerFor(command), interruptSignal(loggerFor(command)));
      const spec = await client.spec();
      if (options.json) printJson(spec);
      else printLines(describeSpec(client.name, spec));
    });
}

function describeSpec(name: string, spec: ConnectorSpecification): string[] {
  const schema = spec.connectionSpecification as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  const required = new Set(schema.required ?? []);
  const rows = Object.entries(schema.properties ?? {}).map(([field, property]) => [
    field,
    Array.isArray(property['type']) ? property['type'].join('|') : String(property['type'] ?? (property['oneOf'] ? 'oneOf' : '')),
    required.has(field) ? 'yes' : '',
    property['airbyte_secret'] === true ? 'yes' : '',
    String(property['description'] ?? property['title'] ?? ''),
  ]);
  const lines = [`${name}${spec.documentationUrl ? ` (${spec.documentationUrl})` : ''}`];
  if (rows.length === 0) lines.push('takes no configuration');
  else lines.push(...table(['FIELD', 'TYPE', 'REQUIRED', 'SECRET', 'DESCRIPTION'], rows));
  return lines;
}
