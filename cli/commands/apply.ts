// Owns `sluice apply -f sluice.yaml` and `sluice export`: definitions kept in version control. Apply creates
// and updates by name (deleting nothing) and prints what it did; export prints every definition as YAML with
// secrets masked (apply keeps a masked secret's stored value).
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { stringify } from 'yaml';
import { applyDocument, exportDocument } from '../../runtime/control/definitions.js';
import { SluiceError } from '../../runtime/errors.js';
import { loggerFor } from '../context.js';
import { printJson, printLines } from '../output.js';
import { withStore, withWorkspace, type WorkspaceOptions } from '../store-context.js';

export function applyCommand(): Command {
  return withWorkspace(new Command('apply'))
    .description('create or update sources, destinations and connections from a YAML file (${VAR} reads the environment)')
    .requiredOption('-f, --file <file>', 'definitions file (YAML or JSON)')
    .option('--json', 'print what changed as JSON')
    .action(async (options: WorkspaceOptions & { file: string; json?: boolean }, command: Command) => {
      let text: string;
      try {
        text = await readFile(options.file, 'utf8');
      } catch (error) {
        throw new SluiceError('file.not_found', `definitions file ${options.file} cannot be read (${(error as NodeJS.ErrnoException).code})`, { cause: error });
      }
      await withStore(options, async (store) => {
        const result = await applyDocument(store, text, options.file, loggerFor(command));
        if (options.json) printJson(result);
        else printLines(result.changes.map((change) => `${change.action} ${change.kind} ${change.name}`));
      });
    });
}

export function exportCommand(): Command {
  return withWorkspace(new Command('export'))
    .description('print every definition as YAML for sluice apply (secrets masked)')
    .option('--json', 'print JSON instead of YAML')
    .action(async (options: WorkspaceOptions & { json?: boolean }) => {
      await withStore(options, async (store) => {
        const document = await exportDocument(store);
        if (options.json) printJson(document);
        else process.stdout.write(stringify(document));
      });
    });
}
