// Owns the queue of sync jobs in a PostgreSQL workspace, on pg-boss (docs/decisions/2026-12-03-job-queue.md): the
// scheduler and the API enqueue a connection's run, any number of workers take them. The queue's rules are pg-boss's:
// per connection at most one queued and one active run (the `stately` policy keyed by connection id), a manual run
// ahead of scheduled ones (priority), and a run whose worker died retried with backoff once it is failed.
import PgBoss from 'pg-boss';
import { describeError, SluiceError } from '../../runtime/errors.js';
import type { Logger } from '../../runtime/logger.js';
import type { Store } from '../store/open-store.js';

export const SYNC_QUEUE = 'sluice-sync';

/** What a queued run carries. */
export interface QueuedRun {
  connectionId: string;
  trigger: string;
}

export interface TakenRun extends QueuedRun {
  /** pg-boss's id of this run; the job row records it, so that a takeover can fail it for a retry. */
  queueJobId: string;
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

/** Priority of a run: a manual "sync now" goes ahead of scheduled runs and retries. */
export function priorityOf(trigger: string): number {
  return trigger === 'api' || trigger === 'manual' ? 10 : 0;
}

export class JobQueue {
  readonly #boss: PgBoss;
  /** pg-boss's schema, a quoted identifier. */
  readonly #schema: string;

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
      retryDelay: options.retryDelaySeconds ?? 10,
      retryBackoff: true,
      // Cron scheduling stays with Sluice's scheduler, which knows each connection's schedule.
      schedule: false,
    });
    boss.on('error', (error) => options.logger.warn(`job queue: ${describeError(error)}`));
    try {
      await boss.start();
      if (!(await boss.getQueue(SYNC_QUEUE))) await boss.createQueue(SYNC_QUEUE, { name: SYNC_QUEUE, policy: 'stately' }).catch(async (error: unknown) => {
        // Another process created it between the look and the create.
        if (!(await boss.getQueue(SYNC_QUEUE))) throw error;
      });
    } catch (error) {
      await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
      throw new SluiceError('store.unavailable', `cannot open the job queue in schema ${options.schema}: ${describeError(error)}`, { cause: error });
    }
    return new JobQueue(boss, options.schema);
  }

  /** Queues a run of the connection; false when one is already queued (it will run: nothing to add). */
  async enqueue(run: QueuedRun): Promise<boolean> {
    const id = await this.#boss.send(SYNC_QUEUE, { ...run }, { singletonKey: run.connectionId, priority: priorityOf(run.trigger) });
    return id !== null;
  }

  /**
   * Whether the connection has a run queued, waiting for a retry, or taken by a worker that has not yet recorded its
   * job. pg-boss 10 has no call for this, so it is read from its job table (its documented schema, read only).
   */
  async pending(connectionId: string): Promise<boolean> {
    const result = await this.#boss.getDb().executeSql(
      `SELECT 1 FROM ${this.#schema}.job WHERE name = $1 AND singleton_key = $2 AND state IN ('created', 'retry', 'active') LIMIT 1`,
      [SYNC_QUEUE, connectionId],
    );
    return (result as { rows: unknown[] }).rows.length > 0;
  }

  /** Takes the next queued run, highest priority first, or undefined when there is none. */
  async take(): Promise<TakenRun | undefined> {
    const [job] = await this.#boss.fetch<QueuedRun>(SYNC_QUEUE, { batchSize: 1, priority: true, includeMetadata: true });
    // A run pg-boss retries (its worker died, or stopped) is a retry, whatever started it.
    return job && { connectionId: job.data.connectionId, trigger: job.retryCount > 0 ? 'retry' : job.data.trigger, queueJobId: job.id };
  }

  /** The run ended (whatever the job's own status: a failed sync is recorded on the job, not retried here). */
  async complete(queueJobId: string): Promise<void> {
    await this.#boss.complete(SYNC_QUEUE, queueJobId);
  }

  /** The run's worker is gone: pg-boss retries it (with backoff) until its retries are spent. */
  async fail(queueJobId: string, reason: string): Promise<void> {
    await this.#boss.fail(SYNC_QUEUE, queueJobId, { reason });
  }

  /** How many runs wait (queued or waiting for a retry). */
  async waiting(): Promise<number> {
    return this.#boss.getQueueSize(SYNC_QUEUE, { before: 'active' });
  }

  async close(): Promise<void> {
    await this.#boss.stop({ graceful: false, wait: true, close: true });
  }
}

/** The job queue of a PostgreSQL workspace (in the schema beside the workspace's own), undefined for SQLite. */
export async function openWorkspaceQueue(store: Store, logger: Logger, retryDelaySeconds?: number): Promise<JobQueue | undefined> {
  if (!store.postgres) return undefined;
  return JobQueue.open({ url: store.postgres.url, schema: `${store.postgres.schema}_queue`, logger, ...(retryDelaySeconds === undefined ? {} : { retryDelaySeconds }) });
}
