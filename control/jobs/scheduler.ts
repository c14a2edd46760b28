// Owns running connections over time in `sluice serve`. Invariants:
//  1. At most one running job per connection (also enforced by the database for other processes), and at most
//     `concurrency` jobs at once in this process; what is due beyond that waits in a FIFO queue. A connection's
//     slot (running or queued) is taken synchronously, before any await, so simultaneous triggers cannot all pass
//     the check; a slot is given back only by the job that holds it.
//  2. A connection runs when its schedule is due (interval: counted from its last job; cron: the next time after
//     its last job, or after the scheduler started when it has none), or when triggered by hand. A refused
//     trigger is job.already_running, naming the job in the way (or saying it is queued).
//  3. On start, and then every `recoverEveryMs`, jobs left running by a dead process (or by this one without it
//     knowing) are marked failed (job.orphaned) and retried, so every job ends in a final status.
//  4. Stopping cancels running jobs (the destination commits what it received) and waits for them to end.
//  5. A continuous connection (schedule `continuous`) is kept running: one following job while it is active, restarted
//     by continuous.ts's rule (at once after a job that ended by itself, after a doubling backoff from `backoffMs`,
//     capped at 10 min, after failed ones, never after a user's cancel until the connection changes, at once after
//     one cancelled because its server stopped). A following job whose connection is no longer active and continuous
//     is cancelled like the API cancels a job (cancel(), which always records the request on the job's row, so that
//     a job's end tells a user's cancel from a server's stop). A following job holds one of the process's (or
//     worker's) slots for as long as it runs.
//  6. With a job queue (a PostgreSQL workspace, control/jobs/job-queue.ts) the scheduler runs nothing itself: due and
//     triggered connections are queued for the workers, a job's cancellation goes through the database, and the
//     run of a job whose worker died is failed in the queue, which retries it on another worker.
import { describeError } from '../../runtime/errors.js';
import type { Logger } from '../../runtime/logger.js';
import type { Store } from '../store/open-store.js';
import type { Connection, Job } from '../store/records.js';
import { runJob, STOP_FOLLOWING, type JobEvent } from './job-runner.js';
import type { CancelReason } from '../store/job-repo.js';
import { DEFAULT_STALE_MS, recoverOrphanedJobs } from './recovery.js';
import { isContinuous, nextRunAt, parseSchedule } from './schedule.js';
import { continuousDueAt, RESTART_HISTORY } from './continuous.js';
import type { SchemaChangeReport } from '../services/schema-changes.js';
import type { SyncStats } from '../../runtime/sync/sync-stats.js';
import { SluiceError, isSluiceError } from '../../runtime/errors.js';
import type { JobQueue } from './job-queue.js';

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
  /** How often jobs whose runner died are looked for (default 30 s, or half of `staleMs` when that is shorter). */
  recoverEveryMs?: number;
  onFinished?: (event: JobEvent) => void;
  onSchemaChange?: (connection: Connection, report: SchemaChangeReport, job: Job) => void;
  /** Queue runs for workers instead of running them here. */
  queue?: JobQueue;
}

interface Running {
  connectionId: string;
  job?: Job;
  /** Resolves with the job once its row exists; rejects when it could not start. */
  started: Promise<Job>;
  controller: AbortController;
  done: Promise<void>;
  /** The live numbers of the attempt under way (the API streams them). */
  stats?: SyncStats;
}

export type TriggerResult = { started: Job } | { queued: number };

export class Scheduler {
  readonly #options: SchedulerOptions;
  readonly #running = new Map<string, Running>();
  readonly #queue: Array<{ connectionId: string; trigger: string }> = [];
  readonly #startedAt = Date.now();
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  #lastRecovery = Date.now();
  #stopped = false;

  constructor(options: SchedulerOptions) {
    this.#options = options;
  }

  get concurrency(): number {
    return Math.max(1, this.#options.concurrency ?? 2);
  }

  async start(): Promise<void> {
    await this.#recover();
    this.#pump();
    this.#timer = setInterval(() => void this.tick(), this.#options.tickMs ?? 1000);
  }

  /** How often dead runners are looked for: every 30 s, or twice per stale limit when that is shorter. */
  get #recoverEveryMs(): number {
    return this.#options.recoverEveryMs ?? Math.min(30_000, (this.#options.staleMs ?? DEFAULT_STALE_MS) / 2);
  }

  /** Marks the jobs whose runner died failed, and queues a retry of their connection. */
  async #recover(): Promise<void> {
    const { store, logger } = this.#options;
    this.#lastRecovery = Date.now();
    const orphans = await recoverOrphanedJobs(store, { staleMs: this.#options.staleMs, ownConnections: new Set(this.#running.keys()) });
    const queue = this.#options.queue;
    for (const job of orphans) {
      const cancelled = job.status === 'cancelled';
      logger.warn({ job: job.id }, `job ${job.id} was left running by ${job.runner}; marked ${job.status}${cancelled ? '' : ' and retried'}`);
      try {
        // The run of a worker's job: the queue retries it on another worker (a cancelled one is done with).
        if (queue && job.queueJobId !== null) {
          await (cancelled ? queue.complete(job.queueJobId) : queue.fail(job.queueJobId, `its worker ${job.runner} stopped`));
          continue;
        }
        const connection = await store.connections.byId(job.connectionId);
        // A job run in a process of its own (`sluice connection sync`): retried by the workers when there is a queue.
        if (!cancelled && connection?.status === 'active') await this.#dispatch(connection, 'retry');
      } catch (error) {
        logger.warn({ job: job.id }, `retrying job ${job.id} failed: ${describeError(error)}`);
      }
    }
    if (queue) await this.#failLostRuns(queue);
  }

  /**
   * Runs a worker took but never recorded a job for (it died between taking and starting, or before it could tell
   * the queue the job ended), older than the stale limit, are failed so the queue retries them: otherwise the
   * connection's run would stay active, refusing every trigger, until pg-boss expires it.
   */
  async #failLostRuns(queue: JobQueue): Promise<void> {
    const { store, logger } = this.#options;
    for (const run of await queue.activeRuns(this.#options.staleMs ?? DEFAULT_STALE_MS)) {
      if (await store.jobs.runningForRun(run.queueJobId)) continue;
      logger.warn({ connectionId: run.connectionId }, `the queued run ${run.queueJobId} was taken but has no running job: failed, to be retried`);
      await queue.fail(run.queueJobId, 'taken by a worker that never ran it', run.queue).catch((error: unknown) => logger.warn(`failing run ${run.queueJobId} failed: ${describeError(error)}`));
    }
  }

  /** Looks for due connections; also called by each tick. */
  async tick(): Promise<void> {
    if (this.#ticking || this.#stopped) return;
    this.#ticking = true;
    try {
      if (Date.now() - this.#lastRecovery >= this.#recoverEveryMs) await this.#recover();
      const now = Date.now();
      const connections = await this.#options.store.connections.list();
      await this.#stopUnwantedFollowers(connections);
      for (const connection of connections) {
        if (connection.status !== 'active' || connection.schedule === null || this.#busy(connection.id)) continue;
        let due: number;
        if (isContinuous(connection.schedule)) {
          due = continuousDueAt(connection, await this.#options.store.jobs.list({ connectionId: connection.id, limit: RESTART_HISTORY }), this.#restartBackoffMs);
        } else {
          const last = await this.#options.store.jobs.last(connection.id);
          due = nextRunAt(parseSchedule(connection.schedule), last?.createdAt ?? (isInterval(connection.schedule) ? undefined : this.#startedAt), now);
        }
        // A job another process (same database) is running makes the connection not due here.
        if (due <= now && !(await this.#options.store.jobs.running(connection.id))) await this.#dispatch(connection, 'schedule');
      }
      this.#pump();
    } catch (error) {
      this.#options.logger.error(`scheduler tick failed: ${describeError(error)}`);
    } finally {
      this.#ticking = false;
    }
  }

  /** The first wait before restarting a continuous connection whose job failed (serve's --backoff, default 10 s). */
  get #restartBackoffMs(): number {
    return this.#options.backoffMs ?? 10_000;
  }

  /**
   * Cancels the following jobs (any process's) of connections that are no longer active and continuous (disabled, or
   * their schedule changed): the services ask for it when they make the change; this catches any other way (apply, a
   * schema change's pause, an older Sluice) within a tick.
   */
  async #stopUnwantedFollowers(connections: readonly Connection[]): Promise<void> {
    const wanted = new Set(connections.filter((connection) => connection.status === 'active' && isContinuous(connection.schedule)).map((connection) => connection.id));
    for (const job of await this.#options.store.jobs.allRunning()) {
      // Asked once: cancel() sets the row's flag, so the next tick passes it.
      if (job.follow === null || job.cancelRequested || wanted.has(job.connectionId)) continue;
      this.#options.logger.info({ job: job.id }, `job ${job.id} follows a connection that is no longer active and continuous: stopping it`);
      await this.cancel(job.id, 'stop_following');
    }
  }

  /** Runs a connection now, or queues it when the concurrency limit is reached. */
  async trigger(connection: Connection, trigger = 'api'): Promise<TriggerResult> {
    if (this.#options.queue) return this.#triggerQueued(this.#options.queue, connection, trigger);
    // Everything up to taking the slot is synchronous: of simultaneous triggers, one takes it, the others see it.
    const running = this.#running.get(connection.id);
    if (running) {
      // The slot's own start may have been refused because another process runs the job: that error names it.
      const job = running.job ?? (await running.started.catch((error: unknown) => {
        if (isSluiceError(error, 'job.already_running')) throw error;
        return undefined;
      }));
      throw alreadyRunning(connection, job);
    }
    const position = this.#queue.findIndex((item) => item.connectionId === connection.id);
    if (position >= 0) {
      throw new SluiceError('job.already_running', `connection ${connection.name} is already queued to run (position ${position + 1} of ${this.#queue.length})`);
    }
    if (this.#running.size < this.concurrency) return { started: await this.#launch(connection.id, trigger).started };
    const item = { connectionId: connection.id, trigger };
    this.#queue.push(item);
    // A job of another process (same database) refuses the trigger now rather than when the queue reaches it.
    const elsewhere = await this.#options.store.jobs.running(connection.id).catch(() => undefined);
    if (elsewhere) {
      const index = this.#queue.indexOf(item);
      if (index >= 0) this.#queue.splice(index, 1);
      throw alreadyRunning(connection, elsewhere);
    }
    return { queued: this.#queue.indexOf(item) + 1 || this.#queue.length };
  }

  /** Queues the connection's run for the workers, unless it is running or already queued. */
  async #triggerQueued(queue: JobQueue, connection: Connection, trigger: string): Promise<TriggerResult> {
    const running = await this.#options.store.jobs.running(connection.id);
    if (running) throw alreadyRunning(connection, running);
    if (!(await this.#enqueueOnce(queue, connection, trigger))) {
      throw new SluiceError('job.already_running', `connection ${connection.name} already has a run queued or starting`, { hint: 'it runs as soon as a worker has room' });
    }
    return { queued: await queue.waiting(connection.workerLabel) };
  }

  /** A due or retried connection: queued for the workers when there is a queue, else for this process's slots. */
  async #dispatch(connection: Connection, trigger: string): Promise<void> {
    if (this.#options.queue) await this.#enqueueOnce(this.#options.queue, connection, trigger);
    else this.#enqueue(connection.id, trigger);
  }

  /**
   * Queues a run of the connection unless one is queued, waiting for a retry or taken by a worker that has not yet
   * recorded its job; false when there was one. Look and enqueue happen under a lock per connection shared by every
   * process on the database: otherwise a worker taking the queued run between another trigger's look and its enqueue
   * would let that trigger queue a second run.
   */
  async #enqueueOnce(queue: JobQueue, connection: Connection, trigger: string): Promise<boolean> {
    return this.#options.store.db.transaction(async (tx) => {
      await tx.all('SELECT pg_advisory_xact_lock(?, hashtext(?))', [CONNECTION_QUEUE_LOCK, connection.id]);
      if (await queue.pending(connection.id, connection.workerLabel)) return false;
      return queue.enqueue({ connectionId: connection.id, trigger }, connection.workerLabel);
    });
  }

  /**
   * Cancels a job this process runs, or asks the process that runs it (through the database). 'stop_following': its
   * connection was disabled or left continuous (recorded as job.stopped_following, not held against it later).
   */
  async cancel(jobId: number, reason: CancelReason = 'cancel'): Promise<boolean> {
    // The row records the request in every case, so the job's end says who stopped it (a continuous connection's
    // restart rule tells a user's cancel from a server that stopped: continuous.ts).
    const requested = await this.#options.store.jobs.requestCancel(jobId, reason);
    for (const running of this.#running.values()) {
      if (running.job?.id === jobId) {
        running.controller.abort(reason === 'stop_following' ? STOP_FOLLOWING : undefined);
        return true;
      }
    }
    return requested;
  }

  /** The live numbers of a job this process runs, once its first attempt has started; undefined otherwise. */
  liveStats(jobId: number): SyncStats | undefined {
    for (const running of this.#running.values()) if (running.job?.id === jobId) return running.stats;
    return undefined;
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
      if (this.#running.has(next.connectionId)) continue;
      this.#launch(next.connectionId, next.trigger).started.catch(() => undefined);
    }
  }

  /** Takes the connection's slot at once and starts its job; `started` resolves once the job's row exists. */
  #launch(connectionId: string, trigger: string): Running {
    const { store, logger } = this.#options;
    let resolveJob!: (job: Job) => void;
    let rejectJob!: (error: unknown) => void;
    const started = new Promise<Job>((resolve, reject) => {
      resolveJob = resolve;
      rejectJob = reject;
    });
    const entry: Running = { connectionId, started, controller: new AbortController(), done: Promise.resolve() };
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
          signal: entry.controller.signal,
          onJob: (job) => {
            entry.job = job;
            resolveJob(job);
            this.#options.onJobStarted?.(job, connection);
          },
          onStarted: (stats) => {
            entry.stats = stats;
          },
          onFinished: this.#options.onFinished,
          onSchemaChange: this.#options.onSchemaChange,
        });
        logger.info({ job: outcome.job.id, connection: connection.name, status: outcome.job.status }, `job ${outcome.job.id} of ${connection.name} ${outcome.job.status}`);
      } catch (error) {
        rejectJob(error);
        // Another process running it is the database doing its job, not a failure of this one.
        const level = isSluiceError(error, 'job.already_running') ? 'info' : 'error';
        logger[level]({ connectionId }, `job of connection ${connectionId} could not run: ${describeError(error)}`);
      } finally {
        if (this.#running.get(connectionId) === entry) this.#running.delete(connectionId);
        this.#pump();
      }
    })();
    return entry;
  }
}

/** The first key of the per-connection lock around queueing a run (the migrations use 7_140_001). */
const CONNECTION_QUEUE_LOCK = 7_140_003;

function alreadyRunning(connection: Connection, job: Job | undefined): SluiceError {
  return new SluiceError('job.already_running', `connection ${connection.name} already has a running job${job ? ` (job ${job.id}, on ${job.runner})` : ''}`, {
    hint: job ? `wait for it to end, or cancel job ${job.id}` : undefined,
  });
}

function isInterval(schedule: string): boolean {
  return parseSchedule(schedule).kind === 'interval';
}
