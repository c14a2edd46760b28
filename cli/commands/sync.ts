// Owns `sluice sync`: replicate a source into a destination with checkpointed, resumable state, show progress
// on a terminal, and print a summary (human, or one JSON object with --json). Two forms: connectors and files
// named with --source … --destination …, or `sluice sync <connection>` for a connection kept in the workspace
// (control/services: its stored catalog and state, recorded as a job). With --follow the sync runs until Ctrl-C or
// SIGTERM, restarting from the last committed state when the source ends or fails (runtime/sync/follow).
import { Command, Option } from 'commander';
import { connectorClient, interruptSignal, loggerFor, positiveNumber, withConnectorOptions, type ConnectorOptions } from '../context.js';
import { readCatalogFile } from '../../runtime/catalog-file.js';
import { readJsonFile } from '../../runtime/json-files.js';
import { runSync } from '../../runtime/sync/run-sync.js';
import { parseOverrides, type OverrideOptions } from '../stream-overrides.js';
import { printSummary, startFollowLog, startFollowProgressLine, startProgressLine } from '../sync-report.js';
import { parseCommitIntervalMs } from '../../runtime/sync/follow/commit-interval.js';
import { SluiceError } from '../../runtime/errors.js';
import { readMappersFile } from '../mappers-file.js';
import type { SyncStats } from '../../runtime/sync/sync-stats.js';
import { FileSpecCache } from '../../runtime/spec-cache.js';

interface SyncCommandOptions extends ConnectorOptions, OverrideOptions {
  source?: string;
  sourceConfig?: string;
  destination?: string;
  destinationConfig?: string;
  workspace?: string;
  catalog?: string;
  mappers?: string;
  streams?: string;
  state?: string;
  json?: boolean;
  validate: 'off' | 'sample' | 'strict';
  sourceTimeout?: string;
  destinationTimeout?: string;
  attempts: string;
  backoff: string;
  sourceEnv?: string[];
  destinationEnv?: string[];
  progress?: boolean;
  follow?: boolean;
  commitInterval?: string;
}

export function syncCommand(): Command {
  return withConnectorOptions(new Command('sync'))
    .description('replicate a source into a destination, committing state as the destination acknowledges it')
    .argument('[connection]', 'a connection kept in the workspace (instead of --source … --destination …)')
    .option('--source <connector>', 'source: built-in name, path, command, or docker:IMAGE[:TAG]')
    .option('--source-config <file>', 'source config (JSON)')
    .option('--destination <connector>', 'destination: built-in name, path, command, or docker:IMAGE[:TAG]')
    .option('--destination-config <file>', 'destination config (JSON)')
    .option('--workspace <dir>', 'workspace of the connection (default: $SLUICE_HOME, else .sluice)')
    .option('--catalog <file>', 'configured catalog (JSON); default: built from discover')
    .option('--streams <names>', 'comma-separated streams to sync (default: all)')
    .option('--mode <STREAM=MODE...>', 'per-stream sync mode as SYNC_MODE[:DESTINATION_MODE], e.g. users=incremental:append')
    .option('--cursor <STREAM=FIELD...>', 'per-stream cursor field (a.b for a nested field)')
    .option('--primary-key <STREAM=FIELDS...>', 'per-stream primary key, fields separated by commas')
    .option('--mappers <file>', 'mappers applied to records in flight (JSON or YAML, keyed by stream): select, rename, hash, encrypt, filter, expression')
    .option('--state <file>', 'state file: read at the start, rewritten at each commit')
    .option('--json', 'print the summary as one JSON object')
    .addOption(new Option('--validate <mode>', 'check records against stream schemas').choices(['off', 'sample', 'strict']).default('off'))
    .option('--source-timeout <seconds>', 'fail when the source sends nothing for this long', '3600')
    .option('--destination-timeout <seconds>', 'fail when the destination takes no input for this long', '3600')
    .option('--attempts <n>', 'attempts in all; transient failures are retried from the last committed state', '3')
    .option('--backoff <seconds>', 'wait before the first retry (doubles each time)', '2')
    .option('--source-env <KEY=VALUE...>', 'environment variable for the source')
    .option('--destination-env <KEY=VALUE...>', 'environment variable for the destination')
    .option('--no-progress', 'no live progress line on a terminal')
    .option('--follow', 'keep following the source until Ctrl-C/SIGTERM (continuous replication); --attempts does not apply')
    .option('--commit-interval <ms>', 'with --follow: the longest a destination holds a received state before committing it', '1000')
    .action(async (connection: string | undefined, options: SyncCommandOptions, command: Command) => {
      if (connection !== undefined) {
        if (options.mappers !== undefined) throw new SluiceError('cli.usage', '--mappers is for a sync without a stored connection', { hint: 'a connection keeps its own mappers' });
        if (options.follow) throw new SluiceError('cli.usage', '--follow is for a sync without a stored connection', { hint: 'a connection follows with --schedule continuous' });
        await (await import('../sync-connection.js')).syncConnection(connection, options, command);
        return;
      }
      for (const [option, value] of [['--source <connector>', options.source], ['--source-config <file>', options.sourceConfig], ['--destination <connector>', options.destination], ['--destination-config <file>', options.destinationConfig]] as const) {
        if (value === undefined) throw new SluiceError('cli.usage', `required option '${option}' not specified`, { hint: 'or name a connection: sluice sync <connection>' });
      }
      if (options.catalog && options.streams) throw new SluiceError('cli.usage', 'use --catalog or --streams, not both');
      const follow = followOptions(options, command);
      const logger = loggerFor(command);
      const interrupt = interruptSignal(logger);
      const sourceConfig = await readJsonFile(options.sourceConfig!, 'config');
      const destinationConfig = await readJsonFile(options.destinationConfig!, 'config');
      const catalog = options.catalog ? await readCatalogFile(options.catalog) : undefined;
      const mappers = options.mappers ? await readMappersFile(options.mappers) : undefined;
      // Ctrl-C stops the source only; the destination finishes what it received and commits it.
      // Each connector's spec comes from the cache while the connector is unchanged (runtime/spec-cache.ts).
      const specCache = new FileSpecCache();
      const sourceClient = await connectorClient(options.source!, { ...options, env: options.sourceEnv ?? options.env }, logger, interrupt, { specCache });
      const destinationClient = await connectorClient(options.destination!, { ...options, env: options.destinationEnv ?? options.env }, logger, undefined, { specCache });
      let stopProgress = (): void => undefined;
      const outcome = await runSync({
        source: { client: sourceClient, config: sourceConfig, configPath: options.sourceConfig },
        destination: { client: destinationClient, config: destinationConfig, configPath: options.destinationConfig },
        catalog,
        choice: {
          streams: options.streams?.split(',').map((name) => name.trim()).filter(Boolean),
          overrides: parseOverrides(options),
        },
        mappers,
        // The whole command, process start included: the summary's duration and records/s are what the user waited.
        startedAt: Math.round(performance.timeOrigin),
        statePath: options.state,
        validate: options.validate,
        sourceIdleTimeoutMs: positiveNumber(options.sourceTimeout ?? '3600', '--source-timeout') * 1000,
        destinationIdleTimeoutMs: positiveNumber(options.destinationTimeout ?? '3600', '--destination-timeout') * 1000,
        attempts: Math.floor(positiveNumber(options.attempts, '--attempts')),
        backoffMs: Number(options.backoff) * 1000,
        maxLineBytes: options.maxLineBytes === undefined ? undefined : Number(options.maxLineBytes),
        signal: interrupt,
        logger,
        follow,
        onStarted: (stats: SyncStats) => {
          if (follow) stopProgress = options.progress !== false && process.stderr.isTTY ? startFollowProgressLine(stats) : startFollowLog(stats, logger);
          else if (options.progress !== false && process.stderr.isTTY) stopProgress = startProgressLine(stats);
        },
      }).finally(() => stopProgress());
      printSummary(outcome.summary, options.json === true);
      if (outcome.error !== undefined) throw outcome.error;
    });
}

/** runSync's follow option from --follow and --commit-interval (which alone is a usage error). */
function followOptions(options: SyncCommandOptions, command: Command): { commitIntervalMs: number } | undefined {
  const intervalGiven = command.getOptionValueSource('commitInterval') === 'cli';
  if (!options.follow) {
    if (intervalGiven) throw new SluiceError('cli.usage', '--commit-interval is for a sync with --follow');
    return undefined;
  }
  const text = options.commitInterval ?? '1000';
  const commitIntervalMs = parseCommitIntervalMs(text);
  if (commitIntervalMs === undefined) throw new SluiceError('cli.usage', `--commit-interval ${text}: expected a positive whole number of milliseconds`);
  return { commitIntervalMs };
}
