// Owns a worker of a PostgreSQL workspace (`sluice worker`, or `sluice serve` without --no-worker): it takes runs from
// the job queue, at most `concurrency` at once, and runs each as a job of its connection (runJob: its log, state and
// heartbeat go to the store, so any machine sees them). With labels it also takes the runs of connections that
// require one of them, before unlabelled runs (job-queue.ts take). It registers in the workers table, with its
// labels, and beats while it runs.
// Stopping stops taking runs, cancels the jobs under way (their destinations commit what they received) and hands
// their runs back to the queue, which retries them on another worker from the last committed state.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { describeError, isSluiceError } from '../../runtime/errors.js';
import type { Logger } from '../../runtime/logger.js';
import type { Store } from '../store/open-store.js';
import type { Connection, Job } from '../store/records.js';
import { queueOf, type JobQueue, type TakenRun } from './job-queue.js';
import { runJob, runnerId, type JobEvent } from './job-runner.js';
import type { SchemaChangeReport } from '../services/schema-changes.js';

export interface WorkerOptions {
  store: Store;
  queue: JobQueue;
  logger: Logger;
  concurrency: number;
  /** Worker labels (control/jobs/worker-label.ts, checked by the caller): it also takes the runs that require one of them. */
  labels?: readonly string[];
  attempts?: number;
  backoffMs?: number;
  /** How often an idle worker looks at the queue (default 500 ms: "sync now" starts within a second). */
  pollMs?: number;
  /** How often the worker's row is refreshed (default 5 s). */
  heartbeatMs?: number;
  onJobStarted?: (job: Job, connection: Connection) => void;
  onFinished?: (event: JobEvent) => void;
  onSchemaChange?: (connection: Connection, report: SchemaChangeReport, job: Job) => void;
}

export class Worker {
  /**
   * host:pid and a random tag: containers sharing a host name (host networking) can have the same pid, and a pid
   * seen from another machine or container says nothing, so a worker's jobs are judged by their heartbeat alone (the
   * recovery checks a pid only for a plain host:pid runner of this host).
   */
  readonly id = `${runnerId()}-${randomBytes(3).toString('hex')}`;
  readonly #options: WorkerOptions;
  readonly #running = new Map<string, { connectionId: string; controller: AbortController; done: Promise<void> }>();
  #stopped = false;
  #heartbeat: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;
  #loop: Promise<void> = Promise.resolve();

  constructor(options: WorkerOptions) {
    this.#options = options;
  }

  get concurrency(): number {
    return this.#options.concurrency;
  }

  get labels(): readonly string[] {
    return this.#options.labels ?? [];
  }

  get running(): number {
    return this.#running.size;
  }

  /** The connections whose jobs this worker is running. */
  runningConnections(): ReadonlySet<string> {
    return new Set([...this.#running.values()].map((running) => running.connectionId));
  }

  async start(): Promise<void> {
    const { store, queue } = this.#options;
    await queue.ensureQueues(this.labels.map(queueOf));
    await store.workers.register({ id: this.id, host: hostname(), pid: process.pid, concurrency: this.concurrency, labels: [...this.labels] });
    this.#heartbeat = setInterval(() => {
      store.workers.heartbeat(this.id, this.#running.size).catch((error: unknown) => this.#options.logger.warn(`worker heartbeat failed: ${describeError(error)}`));
    }, this.#options.heartbeatMs ?? 5000);
    this.#loop = this.#takeRuns();
  }

  /** Takes runs while there is room, and waits `pollMs` (or for a job to end) when the queue is empty or it is full. */
  async #takeRuns(): Promise<void> {
    while (!this.#stopped) {
      let run: TakenRun | undefined;
      if (this.#running.size < this.concurrency) {
        run = await this.#options.queue.take(this.labels).catch((error: unknown) => {
          this.#options.logger.warn(`taking a job from the queue failed: ${describeError(error)}`);
          return undefined;
        });
      }
      if (run && !this.#stopped) this.#launch(run);
      else if (run) await this.#options.queue.fail(run.queueJobId, 'the worker stopped before the run began', run.queue).catch(() => undefined);
      else await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#options.pollMs ?? 500);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  #launch(run: TakenRun): void {
    const { store, logger, queue } = this.#options;
    const controller = new AbortController();
    const done = (async () => {
      let handBack = false;
      try {
        const connection = await store.connections.byId(run.connectionId);
        if (!connection) {
          logger.info({ connectionId: run.connectionId }, 'a queued run of a connection that no longer exists: dropped');
          return;
        }
        const outcome = await runJob({
          store, connection, trigger: run.trigger, runner: this.id, queueJobId: run.queueJobId,
          attempts: this.#options.attempts, backoffMs: this.#options.backoffMs, signal: controller.signal,
          onJob: (job) => this.#options.onJobStarted?.(job, connection),
          onFinished: this.#options.onFinished,
          onSchemaChange: this.#options.onSchemaChange,
        });
        // Cancelled because this worker stops (not by a user): the run goes back to the queue for another worker.
        handBack = this.#stopped && outcome.job.status === 'cancelled' && !outcome.job.cancelRequested;
        logger.info({ job: outcome.job.id, connection: connection.name, status: outcome.job.status }, `job ${outcome.job.id} of ${connection.name} ${outcome.job.status}`);
      } catch (error) {
        // Another process running this connection's job is the database doing its job, not a failure of this one.
        const level = isSluiceError(error, 'job.already_running') ? 'info' : 'error';
        logger[level]({ connectionId: run.connectionId }, `job of connection ${run.connectionId} could not run: ${describeError(error)}`);
      } finally {
        this.#running.delete(run.queueJobId);
        const ended = handBack ? queue.fail(run.queueJobId, 'the worker stopped', run.queue) : queue.complete(run.queueJobId, run.queue);
        await ended.catch((error: unknown) => logger.warn(`recording the end of the queued run failed: ${describeError(error)}`));
        this.#wake?.();
      }
    })();
    this.#running.set(run.queueJobId, { connectionId: run.connectionId, controller, done });
  }

  /** Stops taking runs, cancels the jobs under way and waits for them; the worker's row says it stopped. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    await this.#loop;
    for (const running of this.#running.values()) running.controller.abort();
    await Promise.all([...this.#running.values()].map((running) => running.done));
    await this.#options.store.workers.stopped(this.id).catch(() => undefined);
  }
}
