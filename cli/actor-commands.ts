// Owns the commands that `sluice source` and `sluice destination` share: create, list, show, update, delete and
// check an actor kept in the workspace. Configs are printed with their secrets masked. Create and update run the
// connector's check before saving, unless --no-check.
import { Command } from 'commander';
import type { ActorKind } from '../control/store/records.js';
import { checkActor, createActor, deleteActor, findActor, listActors, publicActor, updateActor } from '../control/services/actor-service.js';
import { ExitCode, SluiceError } from '../runtime/errors.js';
import { loggerFor } from './context.js';
import { printJson, printLines, table } from './output.js';
import { formatTime, readConfigOption, withStore, withWorkspace, type WorkspaceOptions } from './store-context.js';

interface ConfigOptions extends WorkspaceOptions {
  config?: string;
  configJson?: string;
  connector?: string;
  name?: string;
  json?: boolean;
  /** False with --no-check. */
  check?: boolean;
}

export function actorCommand(kind: ActorKind): Command {
  const group = new Command(kind).description(`manage the ${kind}s kept in the workspace`);
  withWorkspace(group.command('create'))
    .description(`define a ${kind}: its connector and config (checked against the connector's spec, then by the connector's check)`)
    .argument('<name>', `${kind} name`)
    .requiredOption('--connector <ref>', 'built-in name, path, command, or docker:IMAGE[:TAG]')
    .option('--config <file>', 'connector config (JSON)')
    .option('--config-json <json>', 'connector config as inline JSON')
    .option('--no-check', "save without running the connector's check")
    .option('--json', 'print the result as JSON')
    .action(async (name: string, options: ConfigOptions, command: Command) => {
      const config = (await readConfigOption(options)) ?? {};
      await withStore(options, async (store) => {
        const actor = await createActor(store, kind, { name, connector: options.connector!, config }, loggerFor(command), { check: options.check !== false });
        if (options.json) printJson(publicActor(actor));
        else printLines([`created ${kind} ${actor.name} (${actor.connector})`]);
      });
    });
  withWorkspace(group.command('list'))
    .description(`list the ${kind}s`)
    .option('--json', 'print JSON')
    .action(async (options: ConfigOptions) => {
      await withStore(options, async (store) => {
        const actors = (await listActors(store, kind)).map(publicActor);
        if (options.json) printJson(actors);
        else printLines(table(['NAME', 'CONNECTOR', 'UPDATED'], actors.map((actor) => [actor.name, actor.connector, formatTime(Date.parse(actor.updatedAt))])));
      });
    });
  withWorkspace(group.command('show'))
    .description(`print a ${kind} as JSON, secrets masked`)
    .argument('<name>', `${kind} name or id`)
    .action(async (name: string, options: ConfigOptions) => {
      await withStore(options, async (store) => printJson(publicActor(await findActor(store, kind, name))));
    });
  withWorkspace(group.command('update'))
    .description(`change a ${kind}'s config, connector or name (a masked secret keeps its stored value)`)
    .argument('<name>', `${kind} name or id`)
    .option('--connector <ref>', 'new connector reference')
    .option('--config <file>', 'new connector config (JSON)')
    .option('--config-json <json>', 'new connector config as inline JSON')
    .option('--name <new>', 'new name')
    .option('--no-check', "save without running the connector's check (run when the config or connector changes)")
    .option('--json', 'print the result as JSON')
    .action(async (name: string, options: ConfigOptions, command: Command) => {
      const config = await readConfigOption(options);
      if (config === undefined && options.connector === undefined && options.name === undefined) {
        throw new SluiceError('cli.usage', `nothing to update: give --config, --config-json, --connector or --name`);
      }
      await withStore(options, async (store) => {
        const actor = await updateActor(store, kind, name, { config, connector: options.connector, name: options.name }, loggerFor(command), { check: options.check !== false });
        if (options.json) printJson(publicActor(actor));
        else printLines([`updated ${kind} ${actor.name}`]);
      });
    });
  withWorkspace(group.command('delete'))
    .description(`delete a ${kind} that no connection uses`)
    .argument('<name>', `${kind} name or id`)
    .action(async (name: string, options: ConfigOptions) => {
      await withStore(options, async (store) => {
        const actor = await deleteActor(store, kind, name);
        printLines([`deleted ${kind} ${actor.name}`]);
      });
    });
  withWorkspace(group.command('check'))
    .description(`run the connector's check with the stored config`)
    .argument('<name>', `${kind} name or id`)
    .option('--json', 'print the status as JSON')
    .action(async (name: string, options: ConfigOptions, command: Command) => {
      await withStore(options, async (store) => {
        const status = await checkActor(store, kind, name, loggerFor(command));
        if (options.json) printJson(status);
        else printLines([`${status.status}${status.message ? `: ${status.message}` : ''}`]);
        if (status.status !== 'SUCCEEDED') process.exitCode = ExitCode.runtime;
      });
    });
  return group;
}
