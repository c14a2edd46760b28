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
import { isByHand, queueOf, type JobQueue, type TakenRun } from './job-queue.js';
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
    const controller = new AbortController();
    const done = this.#run(run, controller.signal).finally(() => {
      // Only once the queue knows how the run ended: stop() waits for it, and the queue is closed after.
      this.#running.delete(run.queueJobId);
      this.#wake?.();
    });
    this.#running.set(run.queueJobId, { connectionId: run.connectionId, controller, done });
  }

  /** Runs the run's job, then tells the queue: completed, or failed to be retried elsewhere, or nothing at all. */
  async #run(run: TakenRun, signal: AbortSignal): Promise<void> {
    const { store, logger } = this.#options;
    let end: 'complete' | 'fail' | 'leave' = 'complete';
    try {
      const connection = await store.connections.byId(run.connectionId);
      if (!connection) {
        logger.info({ connectionId: run.connectionId }, 'a queued run of a connection that no longer exists: dropped');
        return;
      }
      if (connection.status !== 'active' && !isByHand(run.trigger)) {
        logger.info({ connection: connection.name }, `a ${run.trigger} run of the disabled connection ${connection.name}: dropped`);
        return;
      }
      const outcome = await runJob({
        store, connection, trigger: run.trigger, runner: this.id, queueJobId: run.queueJobId,
        attempts: this.#options.attempts, backoffMs: this.#options.backoffMs, signal,
        onJob: (job) => this.#options.onJobStarted?.(job, connection),
        onFinished: this.#options.onFinished,
        onSchemaChange: this.#options.onSchemaChange,
      });
      // Ended elsewhere (the recovery took it over while this worker was stalled): the run is another worker's now.
      if (!outcome.recorded) end = 'leave';
      // Cancelled because this worker stops (not by a user): the run goes back to the queue for another worker.
      else if (this.#stopped && outcome.job.status === 'cancelled' && !outcome.job.cancelRequested) end = 'fail';
      logger.info({ job: outcome.job.id, connection: connection.name, status: outcome.job.status }, `job ${outcome.job.id} of ${connection.name} ${outcome.job.status}`);
    } catch (error) {
      // Another process running this connection's job is the database doing its job; anything else (the database
      // briefly unreachable, say) leaves the run to be retried rather than dropped.
      const running = isSluiceError(error, 'job.already_running');
      if (!running) end = 'fail';
      logger[running ? 'info' : 'error']({ connectionId: run.connectionId }, `job of connection ${run.connectionId} could not run: ${describeError(error)}`);
    } finally {
      if (end !== 'leave') await this.#endRun(run, end);
    }
  }

  /** Completes or fails the run in the queue, trying again while the database is briefly unreachable. */
  async #endRun(run: TakenRun, end: 'complete' | 'fail'): Promise<void> {
    const { queue, logger } = this.#options;
    for (let attempt = 1; ; attempt++) {
      try {
        await (end === 'complete' ? queue.complete(run.queueJobId, run.queue) : queue.fail(run.queueJobId, 'the worker stopped, or could not start its job', run.queue));
        return;
      } catch (error) {
        if (attempt >= 4) {
          logger.warn(`recording the end of the queued run ${run.queueJobId} failed: ${describeError(error)}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
      }
    }
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
