// Owns `sluice connection create|list|show|update|delete|enable|disable`: connections kept in the workspace,
// with their streams (chosen like `sluice sync`: --streams, --mode, --cursor, --primary-key, or --catalog),
// schedule, namespace and prefix, schema-change policy, mappers (--map, map-flag/map-spec.ts) and the worker label its
// jobs require (--worker-label; on update --no-worker-label clears it).
import { Command, Option } from 'commander';
import { readCatalogFile } from '../../runtime/catalog-file.js';
import {
  createConnection,
  deleteConnection,
  findConnection,
  listConnections,
  publicConnection,
  setConnectionStatus,
  updateConnection,
  type ConnectionDefinition,
} from '../../control/services/connection-service.js';
import { lastJob } from '../../control/services/job-service.js';
import { SCHEMA_CHANGE_POLICIES, type SchemaChangePolicy } from '../../control/store/records.js';
import { SluiceError } from '../../runtime/errors.js';
import { loggerFor } from '../context.js';
import { printJson, printLines, table } from '../output.js';
import { parseOverrides, type OverrideOptions } from '../stream-overrides.js';
import { applyMapSpecs } from '../map-flag/map-spec.js';
import { collect } from '../repeatable.js';
import { formatTime, withStore, withWorkspace, type WorkspaceOptions } from '../store-context.js';

interface ConnectionOptions extends WorkspaceOptions, OverrideOptions {
  source?: string;
  destination?: string;
  streams?: string;
  catalog?: string;
  schedule?: string;
  namespace?: string;
  prefix?: string;
  schemaChange?: SchemaChangePolicy;
  /** false: --no-worker-label (update). */
  workerLabel?: string | false;
  name?: string;
  refreshCatalog?: boolean;
  disabled?: boolean;
  json?: boolean;
  map: string[];
  clearMaps: string[];
}

function withDefinitionOptions(command: Command): Command {
  return command
    .option('--streams <names>', 'comma-separated streams to sync (default: all)')
    .option('--mode <STREAM=MODE...>', 'per-stream sync mode as SYNC_MODE[:DESTINATION_MODE] (on update: merged into the stream\'s stored settings)')
    .option('--cursor <STREAM=FIELD...>', 'per-stream cursor field')
    .option('--primary-key <STREAM=FIELDS...>', 'per-stream primary key, fields separated by commas')
    .option('--catalog <file>', 'a whole configured catalog (JSON) instead of --streams/--mode')
    .option('--schedule <spec>', 'an interval ("every 15m"), a cron expression, or "continuous" (one job kept running, following the source); "manual" for none')
    .option('--namespace <name>', 'destination namespace for the streams')
    .option('--prefix <prefix>', 'prefix for destination stream names')
    .addOption(new Option('--schema-change <policy>', 'what a sync does when the source schema changed').choices(SCHEMA_CHANGE_POLICIES))
    .option('--worker-label <label>', 'PostgreSQL workspace: only workers started with this label (sluice worker --label) run its jobs')
    .option(
      '--map <spec>',
      'a mapper step, repeatable, applied in order: STREAM:select(F,...) | rename(F=NEW) | hash(F[,sha512|md5][,new][,salt=env:VAR|file:PATH]) | ' +
        'encrypt(F,key=env:VAR|file:PATH) | filter(keep|drop CONDITION) | expression([F=]JSONATA) | on-error=fail|skip (see docs/mappers.md)',
      collect,
      [],
    )
    .option('--json', 'print the result as JSON');
}

async function definitionOf(options: ConnectionOptions): Promise<Partial<ConnectionDefinition>> {
  if (options.catalog && (options.streams || options.mode || options.cursor || options.primaryKey)) {
    throw new SluiceError('cli.usage', 'use --catalog or --streams/--mode/--cursor/--primary-key, not both');
  }
  const choosing = options.streams !== undefined || options.mode !== undefined || options.cursor !== undefined || options.primaryKey !== undefined;
  return {
    ...(options.source !== undefined ? { source: options.source } : {}),
    ...(options.destination !== undefined ? { destination: options.destination } : {}),
    ...(options.catalog !== undefined ? { catalog: await readCatalogFile(options.catalog) } : {}),
    ...(options.refreshCatalog ? { refreshCatalog: true } : {}),
    ...(choosing ? { choice: { streams: options.streams?.split(',').map((name) => name.trim()).filter(Boolean), overrides: parseOverrides(options) } } : {}),
    ...(options.schedule !== undefined ? { schedule: options.schedule } : {}),
    ...(options.namespace !== undefined ? { namespace: options.namespace === '' ? null : options.namespace } : {}),
    ...(options.prefix !== undefined ? { streamPrefix: options.prefix } : {}),
    ...(options.schemaChange !== undefined ? { schemaChangePolicy: options.schemaChange } : {}),
    ...(options.workerLabel !== undefined ? { workerLabel: options.workerLabel === false ? null : options.workerLabel } : {}),
  };
}

export function connectionCommand(): Command {
  const group = new Command('connection').description('manage connections: a source synced into a destination');
  withDefinitionOptions(withWorkspace(group.command('create')))
    .description('define a connection; its streams are checked against what the source discovers')
    .argument('<name>', 'connection name')
    .requiredOption('--source <name>', 'source name')
    .requiredOption('--destination <name>', 'destination name')
    .option('--disabled', 'create it disabled (the scheduler skips it)')
    .action(async (name: string, options: ConnectionOptions, command: Command) => {
      const definition = { ...(await definitionOf(options)), mappers: applyMapSpecs(null, options.map) };
      await withStore(options, async (store) => {
        const connection = await createConnection(
          store,
          { ...definition, name, source: options.source!, destination: options.destination!, status: options.disabled ? 'inactive' : 'active' },
          loggerFor(command),
        );
        if (options.json) printJson(await publicConnection(store, connection));
        else printLines([`created connection ${connection.name}: ${connection.catalog.streams.length} stream(s), schedule ${connection.schedule ?? 'manual'}`]);
      });
    });
  withWorkspace(group.command('list'))
    .description('list the connections')
    .option('--json', 'print JSON')
    .action(async (options: ConnectionOptions) => {
      await withStore(options, async (store) => {
        const connections = await Promise.all((await listConnections(store)).map((connection) => publicConnection(store, connection)));
        if (options.json) {
          printJson(connections);
          return;
        }
        const rows = await Promise.all(
          connections.map(async (connection) => {
            const last = await lastJob(store, connection.id);
            return [connection.name, connection.source, connection.destination, connection.status, connection.schedule ?? 'manual', connection.workerLabel ?? '-', last ? `${last.id} ${last.status} ${formatTime(last.createdAt)}` : ''];
          }),
        );
        printLines(table(['NAME', 'SOURCE', 'DESTINATION', 'STATUS', 'SCHEDULE', 'WORKER LABEL', 'LAST JOB'], rows));
      });
    });
  withWorkspace(group.command('show'))
    .description('print a connection as JSON (mapper salts and keys masked)')
    .argument('<name>', 'connection name or id')
    .action(async (name: string, options: ConnectionOptions) => {
      await withStore(options, async (store) => printJson(await publicConnection(store, await findConnection(store, name))));
    });
  withDefinitionOptions(withWorkspace(group.command('update')))
    .description('change a connection; streams are re-checked against the source when they change')
    .argument('<name>', 'connection name or id')
    .option('--source <name>', 'new source')
    .option('--destination <name>', 'new destination')
    .option('--name <new>', 'new name')
    .option('--refresh-catalog', 'rebuild the streams from what the source discovers now')
    .option('--no-worker-label', 'let any worker run its jobs again (clears --worker-label)')
    .option('--clear-maps <stream>', "remove a stream's mappers (all: every stream's) before any --map; repeatable", collect, [])
    .action(async (name: string, options: ConnectionOptions, command: Command) => {
      const patch = await definitionOf(options);
      if (options.name !== undefined) patch.name = options.name;
      if (Object.keys(patch).length === 0 && options.map.length === 0 && options.clearMaps.length === 0) {
        throw new SluiceError('cli.usage', 'nothing to update: give at least one option');
      }
      await withStore(options, async (store) => {
        // --map adds steps after the stored ones of its stream; --clear-maps empties streams first.
        if (options.map.length > 0 || options.clearMaps.length > 0) {
          patch.mappers = applyMapSpecs((await findConnection(store, name)).mappers, options.map, options.clearMaps);
        }
        const connection = await updateConnection(store, name, patch, loggerFor(command));
        if (options.json) printJson(await publicConnection(store, connection));
        else printLines([`updated connection ${connection.name}`]);
      });
    });
  withWorkspace(group.command('delete'))
    .description('delete a connection with its state and job history')
    .argument('<name>', 'connection name or id')
    .action(async (name: string, options: ConnectionOptions) => {
      await withStore(options, async (store) => {
        const connection = await deleteConnection(store, name);
        printLines([`deleted connection ${connection.name}`]);
      });
    });
  for (const [verb, status] of [['enable', 'active'], ['disable', 'inactive']] as const) {
    withWorkspace(group.command(verb))
      .description(verb === 'enable' ? 'let the scheduler run the connection again' : 'stop the scheduler from running the connection')
      .argument('<name>', 'connection name or id')
      .action(async (name: string, options: ConnectionOptions) => {
        await withStore(options, async (store) => {
          const connection = await setConnectionStatus(store, name, status);
          printLines([`${verb}d connection ${connection.name}`]);
        });
      });
  }
  return group;
}
