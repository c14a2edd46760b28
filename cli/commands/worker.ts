// Owns `sluice worker`: a process that runs the jobs of a PostgreSQL workspace (SLUICE_DATABASE_URL), taken from its
// job queue, until SIGINT or SIGTERM, when the jobs under way are cancelled (their destinations commit what they
// received) and handed back to the queue for another worker. Its first stdout line says it is ready:
// `worker HOST:PID taking jobs (concurrency N)` (with `, labels a,b` when started with --label). With labels it also
// takes the runs of connections that require one of them (control/jobs/worker-label.ts), before unlabelled runs.
import { Command } from 'commander';
import { commitIntervalFromEnv } from '../../runtime/sync/follow/commit-interval.js';
import { openWorkspaceQueue } from '../../control/jobs/job-queue.js';
import { Worker } from '../../control/jobs/worker.js';
import { checkWorkerLabel } from '../../control/jobs/worker-label.js';
import { Notifier } from '../../control/services/webhooks.js';
import { openStore } from '../../control/store/open-store.js';
import { SluiceError } from '../../runtime/errors.js';
import { loggerFor, positiveNumber } from '../context.js';
import { collect } from '../repeatable.js';
import { withWorkspace, type WorkspaceOptions } from '../store-context.js';

interface WorkerCommandOptions extends WorkspaceOptions {
  concurrency: string;
  attempts: string;
  backoff: string;
  label: string[];
}

export function workerCommand(): Command {
  return withWorkspace(new Command('worker'))
    .description("run the jobs of a PostgreSQL workspace (SLUICE_DATABASE_URL), taken from its queue, on this machine")
    .option('--concurrency <n>', 'jobs running at once, at most', '2')
    .option('--attempts <n>', 'attempts per job; transient failures are retried from the last committed state', '3')
    .option('--backoff <seconds>', 'wait before the first retry of a job (doubles each time)', '10')
    .option('--label <label>', 'also run the jobs of connections that require this worker label, before others (repeatable)', collect, [])
    .action(async (options: WorkerCommandOptions, command: Command) => {
      const logger = loggerFor(command);
      const concurrency = Math.floor(positiveNumber(options.concurrency, '--concurrency'));
      const attempts = Math.floor(positiveNumber(options.attempts, '--attempts'));
      const labels = [...new Set(options.label.map((label) => checkWorkerLabel(label, '--label', 'cli.usage')))];
      // The commit interval of the continuous connections it will run: a bad one is refused now, not at each job.
      commitIntervalFromEnv();
      const store = await openStore({ workspace: options.workspace });
      try {
        const queue = await openWorkspaceQueue(store, logger);
        if (!queue) {
          throw new SluiceError('cli.usage', 'sluice worker takes jobs from a PostgreSQL workspace: set SLUICE_DATABASE_URL (the workspace here is SQLite, whose jobs `sluice serve` runs itself)');
        }
        const notifier = new Notifier(store, logger, { backoffMs: Number(process.env['SLUICE_WEBHOOK_BACKOFF_MS'] ?? 1000) });
        const worker = new Worker({
          store, queue, logger, concurrency, labels, attempts, backoffMs: Number(options.backoff) * 1000,
          onJobStarted: notifier.jobStarted, onFinished: notifier.jobFinished, onSchemaChange: notifier.schemaChanged,
        });
        await worker.start();
        process.stdout.write(`worker ${worker.id} taking jobs (concurrency ${concurrency}${labels.length > 0 ? `, labels ${labels.join(',')}` : ''})\n`);
        logger.info({ concurrency, labels }, `sluice worker ${worker.id}: taking jobs from ${store.db.location}`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        logger.info('stopping: cancelling running jobs and handing them back to the queue');
        await worker.stop();
        await notifier.flush();
        await queue.close();
      } finally {
        await store.close();
      }
    });
}
