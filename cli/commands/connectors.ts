// Owns `sluice connectors`: lists the built-in connectors and how to run each directly.
import { Command } from 'commander';
import { builtinCommand, builtinConnectors } from '../../runtime/launchers/builtin-connectors.js';
import { printJson, printLines, table } from '../output.js';

export function connectorsCommand(): Command {
  return new Command('connectors')
    .description('list the built-in connectors')
    .option('--json', 'print [{name, kind, command, image}] as JSON')
    .action((options: { json?: boolean }) => {
      const list = builtinConnectors.map((connector) => ({
        name: connector.name,
        kind: connector.kind,
        command: builtinCommand(connector),
        image: connector.image,
        description: connector.description,
      }));
      if (options.json) printJson(list);
      else printLines(table(['NAME', 'KIND', 'DESCRIPTION'], list.map((c) => [c.name, c.kind, c.description])));
    });
}
