// Owns `sluice serve`: the scheduler and the REST API over the workspace's store, until SIGINT or SIGTERM,
// when running jobs are cancelled (their destinations commit what they received) and the server closes. With a
// PostgreSQL workspace the scheduler and the API queue jobs for workers (`sluice worker`), and serve is one of them
// unless --no-worker.
// Its first stdout line says where it listens: `listening on http://HOST:PORT`. Listening beyond loopback needs
// --require-token; API clients may name paths and commands as connectors only with --allow-custom-connectors.
import { Command } from 'commander';
import { commitIntervalFromEnv } from '../../runtime/sync/follow/commit-interval.js';
import type { AddressInfo } from 'node:net';
import { createApiApp } from '../../control/api/app.js';
import { defaultDashboardDir } from '../../control/api/dashboard-dir.js';
import { isLoopback } from '../../control/api/auth.js';
import { openWorkspaceQueue } from '../../control/jobs/job-queue.js';
import { Scheduler } from '../../control/jobs/scheduler.js';
import { Worker } from '../../control/jobs/worker.js';
import { collect } from '../repeatable.js';
import { hasTokens } from '../../control/services/token-service.js';
import { Notifier } from '../../control/services/webhooks.js';
import { openStore } from '../../control/store/open-store.js';
import { SluiceError } from '../../runtime/errors.js';
import { loggerFor, positiveNumber } from '../context.js';
import { withWorkspace, type WorkspaceOptions } from '../store-context.js';

interface ServeOptions extends WorkspaceOptions {
  host: string;
  port: string;
  concurrency: string;
  attempts: string;
  backoff: string;
  requireToken?: boolean;
  allowCustomConnectors?: boolean;
  allowedHost: string[];
  tick: string;
  dashboardDir?: string;
  worker: boolean;
}

export function serveCommand(): Command {
  return withWorkspace(new Command('serve'))
    .description('run connections on their schedules and serve the REST API')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: any free port)', '8080')
    .option('--concurrency <n>', 'jobs running at once in this process, at most', '2')
    .option('--no-worker', 'PostgreSQL workspace: run no jobs here, only queue them for `sluice worker` processes')
    .option('--attempts <n>', 'attempts per job; transient failures are retried from the last committed state', '3')
    .option('--backoff <seconds>', 'wait before the first retry of a job (doubles each time)', '10')
    .option('--tick <seconds>', 'how often schedules are looked at', '1')
    .option('--require-token', 'require an API token from every client, loopback ones included (needed to listen beyond loopback)')
    .option('--allowed-host <name>', 'a Host name clients may use besides localhost and the listen address (repeatable)', collect, [])
    .option('--allow-custom-connectors', 'let API clients name a path or a command as a connector (it runs on this machine)')
    .option('--dashboard-dir <path>', 'serve the dashboard from this directory instead of the one Sluice ships')
    .action(async (options: ServeOptions, command: Command) => {
      const logger = loggerFor(command);
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SluiceError('cli.usage', `--port ${options.port}: expected 0 to 65535`);
      if (!isLoopback(options.host) && options.host !== 'localhost' && !options.requireToken) {
        throw new SluiceError('cli.usage', `--host ${options.host} is not a loopback address: add --require-token so that every client needs an API token`, {
          hint: 'create one with: sluice token create NAME',
        });
      }
      // The commit interval of the continuous connections it will run: a bad one is refused now, not at each job.
      commitIntervalFromEnv();
      const store = await openStore({ workspace: options.workspace });
      if (!options.worker && !store.postgres) {
        await store.close();
        throw new SluiceError('cli.usage', '--no-worker needs a PostgreSQL workspace (SLUICE_DATABASE_URL), whose jobs workers run; with SQLite, serve runs the jobs itself');
      }
      // A run whose worker died is retried by the queue after --backoff (doubling).
      const queue = await openWorkspaceQueue(store, logger, Number(options.backoff));
      if (options.requireToken && !(await hasTokens(store))) {
        logger.warn('--require-token is set but no API token exists yet: every request will be refused (create one with: sluice token create NAME)');
      }
      const dashboardDir = options.dashboardDir ?? defaultDashboardDir();
      if (dashboardDir === undefined) logger.warn('the dashboard is not built (npm run build builds it into dist/web): serving the API only');
      const notifier = new Notifier(store, logger, { backoffMs: Number(process.env['SLUICE_WEBHOOK_BACKOFF_MS'] ?? 1000) });
      const concurrency = Math.floor(positiveNumber(options.concurrency, '--concurrency'));
      const attempts = Math.floor(positiveNumber(options.attempts, '--attempts'));
      const backoffMs = Number(options.backoff) * 1000;
      const worker = queue && options.worker
        ? new Worker({ store, queue, logger, concurrency, attempts, backoffMs, onJobStarted: notifier.jobStarted, onFinished: notifier.jobFinished, onSchemaChange: notifier.schemaChanged })
        : undefined;
      const scheduler = new Scheduler({
        store,
        logger,
        concurrency,
        attempts,
        backoffMs,
        ...(queue ? { queue } : {}),
        tickMs: positiveNumber(options.tick, '--tick') * 1000,
        staleMs: process.env['SLUICE_STALE_JOB_MS'] === undefined ? undefined : Number(process.env['SLUICE_STALE_JOB_MS']),
        onJobStarted: notifier.jobStarted,
        onFinished: notifier.jobFinished,
        onSchemaChange: notifier.schemaChanged,
      });
      const app = await createApiApp({
        store, scheduler, logger, version: '0.1.0',
        auth: { allowLoopbackWithoutToken: options.requireToken !== true },
        guard: { listenHost: options.host, allowedHosts: options.allowedHost },
        connectors: { allowCustomConnectors: options.allowCustomConnectors === true },
        dashboardDir,
      });
      try {
        await app.listen({ port, host: options.host });
      } catch (error) {
        throw new SluiceError('store.unavailable', `cannot listen on ${options.host}:${port}: ${(error as Error).message}`, { cause: error });
      }
      const address = app.server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      process.stdout.write(`listening on http://${host}:${address.port}\n`);
      logger.info({ concurrency: scheduler.concurrency }, `sluice serve: API on http://${host}:${address.port}, workspace ${store.workspace}, database ${store.db.location}`);
      await scheduler.start();
      await worker?.start();
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      logger.info('stopping: cancelling running jobs');
      const closing = app.close();
      await scheduler.stop();
      await worker?.stop();
      await queue?.close();
      await closing;
      await notifier.flush();
      await store.close();
    });
}
