// Owns `sluice sync <connection>`: run one job of a stored connection in this process (its catalog, its stored
// state, recorded in the job history with its log), echo the log on stderr, notify the webhooks, and print
// the summary.
import { createRequire } from 'node:module';
import { pino, type DestinationStream } from 'pino';
import type { Command } from 'commander';
import { findConnection } from '../control/services/connection-service.js';
import { runJob } from '../control/jobs/job-runner.js';
import { Notifier } from '../control/services/webhooks.js';
import { SluiceError } from '../runtime/errors.js';
import type { LogLevel } from '../runtime/logger.js';
import type { SyncStats } from '../runtime/sync/sync-stats.js';
import { interruptSignal, loggerFor, positiveNumber, type GlobalOptions } from './context.js';
import { printSummary, startProgressLine } from './sync-report.js';
import { withStore } from './store-context.js';

export interface ConnectionSyncOptions {
  workspace?: string;
  json?: boolean;
  attempts: string;
  backoff: string;
  progress?: boolean;
  source?: string;
  sourceConfig?: string;
  destination?: string;
  destinationConfig?: string;
  catalog?: string;
  streams?: string;
  state?: string;
}

export async function syncConnection(name: string, options: ConnectionSyncOptions, command: Command): Promise<void> {
  const clash = (['source', 'sourceConfig', 'destination', 'destinationConfig', 'catalog', 'streams', 'state'] as const).find((key) => options[key] !== undefined);
  if (clash) {
    throw new SluiceError('cli.usage', `sluice sync ${name}: --${kebab(clash)} does not apply to a stored connection`, {
      hint: `change the connection instead: sluice connection update ${name}`,
    });
  }
  const { logLevel } = command.optsWithGlobals<GlobalOptions>();
  const interrupt = interruptSignal(loggerFor(command));
  await withStore(options, async (store) => {
    const connection = await findConnection(store, name);
    let stopProgress = (): void => undefined;
    const notifier = new Notifier(store, loggerFor(command), { backoffMs: Number(process.env['SLUICE_WEBHOOK_BACKOFF_MS'] ?? 1000) });
    const outcome = await runJob({
      store,
      connection,
      trigger: 'manual',
      attempts: Math.floor(positiveNumber(options.attempts, '--attempts')),
      backoffMs: Number(options.backoff) * 1000,
      signal: interrupt,
      logLevel,
      echo: stderrStream(logLevel),
      onJob: (job) => notifier.jobStarted(job, connection),
      onFinished: notifier.jobFinished,
      onSchemaChange: notifier.schemaChanged,
      onStarted: (stats: SyncStats) => {
        if (options.progress !== false && process.stderr.isTTY) stopProgress = startProgressLine(stats);
      },
    }).finally(() => stopProgress());
    await notifier.flush();
    const summary = { ...outcome.summary, job: outcome.job.id, connection: connection.name };
    printSummary(summary, options.json === true);
    if (!options.json) process.stdout.write(`job ${outcome.job.id}: ${outcome.job.status} (log: sluice logs ${outcome.job.id})\n`);
    if (outcome.error !== undefined) throw outcome.error;
  });
}

function stderrStream(level: LogLevel): DestinationStream | undefined {
  if (level === 'silent') return undefined;
  if (process.stderr.isTTY) {
    const pretty = createRequire(import.meta.url)('pino-pretty') as (options: object) => DestinationStream;
    return pretty({ destination: 2, sync: true, colorize: true, ignore: 'pid,hostname,job,connection', translateTime: 'HH:MM:ss.l' });
  }
  return pino.destination({ dest: 2, sync: true });
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
