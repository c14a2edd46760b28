// Owns running connections over time in `sluice serve`. Invariants:
//  1. At most one running job per connection (also enforced by the database for other processes), and at most
//     `concurrency` jobs at once; what is due beyond that waits in a FIFO queue.
//  2. A connection runs when its schedule is due (interval: counted from its last job; cron: the next time after
//     its last job, or after the scheduler started when it has none), or when triggered by hand.
//  3. On start, jobs left running by a dead process are marked failed (job.orphaned) and retried at once.
//  4. Stopping cancels running jobs (the destination commits what it received) and waits for them to end.
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/open-store.js';
import type { Connection, Job } from '../store/records.js';
import { runJob, type JobEvent } from './job-runner.js';
import { recoverOrphanedJobs } from './recovery.js';
import { nextRunAt, parseSchedule } from './schedule.js';
import type { SchemaChangeReport } from './schema-changes.js';
import { SluiceError } from '../errors.js';

export interface SchedulerOptions {
  store: Store;
  logger: Logger;
  concurrency?: number;
  tickMs?: number;
  /** Attempts per job and the first backoff (doubling). */
  attempts?: number;
  backoffMs?: number;
  staleMs?: number;
  /** Called when a job has started (notifications). */
  onJobStarted?: (job: Job, connection: Connection) => void;
  onFinished?: (event: JobEvent) => void;
  onSchemaChange?: (connection: Connection, report: SchemaChangeReport, job: Job) => void;
}

interface Running {
  connectionId: string;
  job?: Job;
  controller: AbortController;
  done: Promise<void>;
}

export type TriggerResult = { started: Job } | { queued: number };

export class Scheduler {
  readonly #options: SchedulerOptions;
  readonly #running = new Map<string, Running>();
  readonly #queue: Array<{ connectionId: string; trigger: string }> = [];
  readonly #startedAt = Date.now();
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  #stopped = false;

  constructor(options: SchedulerOptions) {
    this.#options = options;
  }

  get concurrency(): number {
    return Math.max(1, this.#options.concurrency ?? 2);
  }

  async start(): Promise<void> {
    const { store, logger } = this.#options;
    const orphans = await recoverOrphanedJobs(store, { staleMs: this.#options.staleMs });
    for (const job of orphans) {
      logger.warn({ job: job.id }, `job ${job.id} was left running by ${job.runner}; marked failed and retried`);
      const connection = await store.connections.byId(job.connectionId);
      if (connection?.status === 'active') this.#enqueue(connection.id, 'retry');
    }
    this.#pump();
    this.#timer = setInterval(() => void this.tick(), this.#options.tickMs ?? 1000);
  }

  /** Looks for due connections; also called by each tick. */
  async tick(): Promise<void> {
    if (this.#ticking || this.#stopped) return;
    this.#ticking = true;
    try {
      const now = Date.now();
      for (const connection of await this.#options.store.connections.list()) {
        if (connection.status !== 'active' || connection.schedule === null || this.#busy(connection.id)) continue;
        const last = await this.#options.store.jobs.last(connection.id);
        const due = nextRunAt(parseSchedule(connection.schedule), last?.createdAt ?? (isInterval(connection.schedule) ? undefined : this.#startedAt), now);
        if (due <= now) this.#enqueue(connection.id, 'schedule');
      }
      this.#pump();
    } catch (error) {
      this.#options.logger.error(`scheduler tick failed: ${describeError(error)}`);
    } finally {
      this.#ticking = false;
    }
  }

  /** Runs a connection now, or queues it when the concurrency limit is reached. */
  async trigger(connection: Connection, trigger = 'api'): Promise<TriggerResult> {
    if (this.#busy(connection.id) || (await this.#options.store.jobs.running(connection.id))) {
      throw new SluiceError('job.already_running', `connection ${connection.name} already has a job running or queued`);
    }
    if (this.#running.size >= this.concurrency) {
      this.#enqueue(connection.id, trigger);
      return { queued: this.#queue.length };
    }
    return { started: await this.#launch(connection.id, trigger) };
  }

  /** Cancels a job this process runs, or asks the process that runs it (through the database). */
  async cancel(jobId: number): Promise<boolean> {
    for (const running of this.#running.values()) {
      if (running.job?.id === jobId) {
        running.controller.abort();
        return true;
      }
    }
    return this.#options.store.jobs.requestCancel(jobId);
  }

  get runningJobs(): Job[] {
    return [...this.#running.values()].flatMap((running) => (running.job ? [running.job] : []));
  }

  get queued(): string[] {
    return this.#queue.map((item) => item.connectionId);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#queue.length = 0;
    for (const running of this.#running.values()) running.controller.abort();
    await Promise.all([...this.#running.values()].map((running) => running.done));
  }

  #busy(connectionId: string): boolean {
    return this.#running.has(connectionId) || this.#queue.some((item) => item.connectionId === connectionId);
  }

  #enqueue(connectionId: string, trigger: string): void {
    if (!this.#busy(connectionId)) this.#queue.push({ connectionId, trigger });
  }

  #pump(): void {
    while (!this.#stopped && this.#running.size < this.concurrency && this.#queue.length > 0) {
      const next = this.#queue.shift()!;
      this.#launch(next.connectionId, next.trigger).catch((error: unknown) => {
        this.#options.logger.error({ connectionId: next.connectionId }, `could not start a job: ${describeError(error)}`);
      });
    }
  }

  /** Starts a job and resolves with it once its row exists; the job runs on. */
  #launch(connectionId: string, trigger: string): Promise<Job> {
    const { store, logger } = this.#options;
    const controller = new AbortController();
    let resolveJob!: (job: Job) => void;
    let rejectJob!: (error: unknown) => void;
    const started = new Promise<Job>((resolve, reject) => {
      resolveJob = resolve;
      rejectJob = reject;
    });
    const entry: Running = { connectionId, controller, done: Promise.resolve() };
    this.#running.set(connectionId, entry);
    entry.done = (async () => {
      try {
        const connection = await store.connections.byId(connectionId);
        if (!connection) throw new SluiceError('connection.not_found', `connection ${connectionId} no longer exists`);
        const outcome = await runJob({
          store,
          connection,
          trigger,
          attempts: this.#options.attempts,
          backoffMs: this.#options.backoffMs,
          signal: controller.signal,
          onJob: (job) => {
            entry.job = job;
            resolveJob(job);
            this.#options.onJobStarted?.(job, connection);
          },
          onFinished: this.#options.onFinished,
          onSchemaChange: this.#options.onSchemaChange,
        });
        logger.info({ job: outcome.job.id, connection: connection.name, status: outcome.job.status }, `job ${outcome.job.id} of ${connection.name} ${outcome.job.status}`);
      } catch (error) {
        rejectJob(error);
        logger.error({ connectionId }, `job of connection ${connectionId} could not run: ${describeError(error)}`);
      } finally {
        this.#running.delete(connectionId);
        this.#pump();
      }
    })();
    return started;
  }
}

function isInterval(schedule: string): boolean {
  return parseSchedule(schedule).kind === 'interval';
}
