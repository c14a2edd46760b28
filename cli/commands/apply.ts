// Owns `sluice apply -f sluice.yaml` and `sluice export`: definitions kept in version control. Apply creates
// and updates by name (deleting nothing) and prints what it did, or with --dry-run what it would do; export prints
// every definition as YAML with secrets masked (apply keeps a masked secret's stored value).
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { stringify } from 'yaml';
import { applyDocument, exportDocument, type ApplyChange } from '../../control/services/definitions.js';
import { SluiceError } from '../../runtime/errors.js';
import { loggerFor } from '../context.js';
import { printJson, printLines } from '../output.js';
import { withStore, withWorkspace, type WorkspaceOptions } from '../store-context.js';

const WOULD = { created: 'would create', updated: 'would update', unchanged: 'unchanged' } as const;

export function applyCommand(): Command {
  return withWorkspace(new Command('apply'))
    .description('create or update sources, destinations and connections from a YAML file (${VAR} reads the environment)')
    .requiredOption('-f, --file <file>', 'definitions file (YAML or JSON); relative paths in configs mean its directory')
    .option('--dry-run', 'print what would be created or updated, and change nothing')
    .option('--json', 'print what changed as JSON')
    .action(async (options: WorkspaceOptions & { file: string; dryRun?: boolean; json?: boolean }, command: Command) => {
      let text: string;
      try {
        text = await readFile(options.file, 'utf8');
      } catch (error) {
        throw new SluiceError('file.not_found', `definitions file ${options.file} cannot be read (${(error as NodeJS.ErrnoException).code})`, { cause: error });
      }
      await withStore(options, async (store) => {
        const result = await applyDocument(store, text, options.file, loggerFor(command), { dryRun: options.dryRun ?? false, baseDir: dirname(resolve(options.file)) });
        if (options.json) printJson(result);
        else printLines(result.changes.map((change) => describeChange(change, result.dryRun === true)));
      });
    });
}

function describeChange(change: ApplyChange, dryRun: boolean): string {
  const action = dryRun ? WOULD[change.action] : change.action;
  return `${action} ${change.kind} ${change.name}${change.fields ? `: ${change.fields.join(', ')}` : ''}`;
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
