// Owns the queue of sync jobs in a PostgreSQL workspace, on pg-boss (docs/decisions/2026-12-03-job-queue.md): the
// scheduler and the API enqueue a connection's run, any number of workers take them. The queue's rules are pg-boss's:
// per connection at most one queued and one active run (the `stately` policy keyed by connection id), a manual run
// ahead of scheduled ones (priority), and a run whose worker died retried with backoff once it is failed. A connection
// that requires a worker label is queued in that label's own queue (`sluice-sync.<label>`, created on first use with
// the same policy), which only workers started with the label take (docs/decisions/2026-12-03-worker-labels.md).
import PgBoss from 'pg-boss';
import { describeError, SluiceError } from '../../runtime/errors.js';
import type { Logger } from '../../runtime/logger.js';
import type { Store } from '../store/open-store.js';

export const SYNC_QUEUE = 'sluice-sync';

/** The queue of the runs that need a worker with `label`; the default queue for null. */
export function queueOf(label: string | null): string {
  return label === null ? SYNC_QUEUE : `${SYNC_QUEUE}.${label}`;
}

/** What a queued run carries. */
export interface QueuedRun {
  connectionId: string;
  trigger: string;
}

export interface TakenRun extends QueuedRun {
  /** pg-boss's id of this run; the job row records it, so that a takeover can fail it for a retry. */
  queueJobId: string;
  /** The queue it was taken from: its end is recorded there. */
  queue: string;
}

export interface JobQueueOptions {
  url: string;
  /** The pg-boss schema (the workspace's schema with `_queue`). */
  schema: string;
  logger: Logger;
  /** Retries of a run whose worker died (default 3), the first after `retryDelaySeconds` (doubling). */
  retryLimit?: number;
  retryDelaySeconds?: number;
}

/** Whether a run was asked for by hand ("sync now": the API, the dashboard, the CLI), not by a schedule or a retry. */
export function isByHand(trigger: string): boolean {
  return trigger === 'api' || trigger === 'manual';
}

/** Priority of a run: one asked for by hand goes ahead of scheduled runs and retries. */
function priorityOf(trigger: string): number {
  return isByHand(trigger) ? 10 : 0;
}

export class JobQueue {
  readonly #boss: PgBoss;
  /** pg-boss's schema, a quoted identifier. */
  readonly #schema: string;
  /** The queues known to exist (created by this process or found). */
  readonly #queues = new Set<string>([SYNC_QUEUE]);

  private constructor(boss: PgBoss, schema: string) {
    this.#boss = boss;
    this.#schema = `"${schema}"`;
  }

  /** Connects, installs or upgrades pg-boss's schema, and makes sure the sync queue exists. */
  static async open(options: JobQueueOptions): Promise<JobQueue> {
    const boss = new PgBoss({
      connectionString: options.url,
      schema: options.schema,
      max: 3,
      application_name: 'sluice-queue',
      // pg-boss's own expiry is the backstop only (a run longer than a day); a dead worker's run is failed by the
      // job recovery as soon as its heartbeat stops (control/jobs/recovery.ts).
      expireInHours: 23,
      retryLimit: options.retryLimit ?? 3,
      // Whole seconds: pg-boss stores an integer, and a fraction (serve --backoff 0.5) failed every enqueue.
      retryDelay: Math.ceil(options.retryDelaySeconds ?? 10),
      retryBackoff: true,
      // Cron scheduling stays with Sluice's scheduler, which knows each connection's schedule.
      schedule: false,
    });
    boss.on('error', (error) => options.logger.warn(`job queue: ${describeError(error)}`));
    try {
      await boss.start();
      await createQueue(boss, SYNC_QUEUE);
    } catch (error) {
      await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
      throw new SluiceError('store.unavailable', `cannot open the job queue in schema ${options.schema}: ${describeError(error)}`, { cause: error });
    }
    return new JobQueue(boss, options.schema);
  }

  /**
   * Queues a run of the connection, in the queue of the worker label it requires (null: the default queue); false
   * when one is already queued there (it will run: nothing to add).
   */
  async enqueue(run: QueuedRun, workerLabel: string | null): Promise<boolean> {
    const queue = queueOf(workerLabel);
    await this.ensureQueues([queue]);
    const id = await this.#boss.send(queue, { ...run }, { singletonKey: run.connectionId, priority: priorityOf(run.trigger) });
    return id !== null;
  }

  /** Creates the queues that do not exist yet (a label's queue on first use), with the sync queue's policy. */
  async ensureQueues(queues: readonly string[]): Promise<void> {
    for (const queue of queues) {
      if (this.#queues.has(queue)) continue;
      await createQueue(this.#boss, queue);
      this.#queues.add(queue);
    }
  }

  /**
   * Whether the connection has a run queued, waiting for a retry, or taken by a worker that has not yet recorded its
   * job, in any of the sync queues (its label may have changed since it was queued). pg-boss 10 has no call for
   * this, so it is read from its job table (its documented schema, read only).
   */
  async pending(connectionId: string, workerLabel: string | null = null): Promise<boolean> {
    // Waiting runs count in the connection's current queue only: one left in the queue of a label the connection no
    // longer has must not block it (a worker that takes it later finds the connection's job already run or running).
    const result = await this.#boss.getDb().executeSql(
      `SELECT 1 FROM ${this.#schema}.job WHERE (name = $1 OR name LIKE $2) AND singleton_key = $3
         AND (state = 'active' OR (state IN ('created', 'retry') AND name = $4)) LIMIT 1`,
      [SYNC_QUEUE, `${SYNC_QUEUE}.%`, connectionId, queueOf(workerLabel)],
    );
    return (result as { rows: unknown[] }).rows.length > 0;
  }

  /** Runs taken by a worker more than `olderThanMs` ago and still active, in every sync queue. */
  async activeRuns(olderThanMs: number): Promise<Array<TakenRun>> {
    const result = await this.#boss.getDb().executeSql(
      `SELECT id, name, data FROM ${this.#schema}.job WHERE (name = $1 OR name LIKE $2) AND state = 'active'
         AND started_on < now() - $3::numeric * interval '1 millisecond'`,
      [SYNC_QUEUE, `${SYNC_QUEUE}.%`, olderThanMs],
    );
    return (result as { rows: Array<{ id: string; name: string; data: QueuedRun }> }).rows.map((row) => ({ ...row.data, queueJobId: row.id, queue: row.name }));
  }

  /**
   * Takes the next queued run, or undefined when there is none: from the queues of `labels` first, in their order,
   * then from the default queue (so a scarce labelled worker is used for what needs it); highest priority first
   * within a queue. A worker without labels takes from the default queue only.
   */
  async take(labels: readonly string[] = []): Promise<TakenRun | undefined> {
    for (const queue of [...labels.map(queueOf), SYNC_QUEUE]) {
      const [job] = await this.#boss.fetch<QueuedRun>(queue, { batchSize: 1, priority: true, includeMetadata: true });
      // A run pg-boss retries (its worker died, or stopped) is a retry, whatever started it.
      if (job) return { connectionId: job.data.connectionId, trigger: job.retryCount > 0 ? 'retry' : job.data.trigger, queueJobId: job.id, queue };
    }
    return undefined;
  }

  /**
   * The run ended (whatever the job's own status: a failed sync is recorded on the job, not retried here). `queue`:
   * the one it was taken from; without it, looked up by the run's id.
   */
  async complete(queueJobId: string, queue?: string): Promise<void> {
    await this.#boss.complete(queue ?? (await this.#queueOfRun(queueJobId)), queueJobId);
  }

  /** The run's worker is gone: pg-boss retries it (with backoff) until its retries are spent. `queue` as for complete. */
  async fail(queueJobId: string, reason: string, queue?: string): Promise<void> {
    await this.#boss.fail(queue ?? (await this.#queueOfRun(queueJobId)), queueJobId, { reason });
  }

  /** How many runs wait (queued or waiting for a retry) in the queue of `workerLabel` (null: the default queue). */
  async waiting(workerLabel: string | null = null): Promise<number> {
    return this.#boss.getQueueSize(queueOf(workerLabel), { before: 'active' });
  }

  /** The queue holding a run, for a caller that knows only the run's id (a job row records the id alone). */
  async #queueOfRun(queueJobId: string): Promise<string> {
    const result = await this.#boss.getDb().executeSql(`SELECT name FROM ${this.#schema}.job WHERE id = $1 LIMIT 1`, [queueJobId]);
    const [row] = (result as { rows: Array<{ name: string }> }).rows;
    return row?.name ?? SYNC_QUEUE;
  }

  async close(): Promise<void> {
    await this.#boss.stop({ graceful: false, wait: true, close: true });
  }
}

/** Creates a sync queue (stately: one queued and one active run per connection) unless it exists. */
async function createQueue(boss: PgBoss, queue: string): Promise<void> {
  if (await boss.getQueue(queue)) return;
  await boss.createQueue(queue, { name: queue, policy: 'stately' }).catch(async (error: unknown) => {
    // Another process created it between the look and the create.
    if (!(await boss.getQueue(queue))) throw error;
  });
}

/** The job queue of a PostgreSQL workspace (in the schema beside the workspace's own), undefined for SQLite. */
export async function openWorkspaceQueue(store: Store, logger: Logger, retryDelaySeconds?: number): Promise<JobQueue | undefined> {
  const postgres = store.postgres;
  if (!postgres) return undefined;
  // Processes starting together on a new database would each install pg-boss's schema at once, and deadlock:
  // one at a time, under an advisory lock held by a transaction of the workspace's own pool.
  return store.db.transaction(async (tx) => {
    await tx.all('SELECT pg_advisory_xact_lock(?)', [QUEUE_SETUP_LOCK]);
    return JobQueue.open({ url: postgres.url, schema: `${postgres.schema}_queue`, logger, ...(retryDelaySeconds === undefined ? {} : { retryDelaySeconds }) });
  });
}

/** Serialises opening the job queue among processes (the migrations use 7_140_001). */
const QUEUE_SETUP_LOCK = 7_140_002;
