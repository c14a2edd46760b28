// Owns what the CLI (`sluice jobs`, `sluice logs`, `sluice connection list`) and the API (`/api/v1/jobs…`,
// `/connections/{name}/jobs`) read of jobs, and cancelling one: a job is named by its number (anything else, or
// a number no job has, is `no job N`), a listing pairs each job with its connection's name, and only a running
// job can be cancelled.
import { SluiceError } from '../../runtime/errors.js';
import type { Scheduler } from '../jobs/scheduler.js';
import type { Store } from '../store/open-store.js';
import type { Job, JobAttempt, Page } from '../store/records.js';
import { findConnection } from './connection-service.js';
import { parseLogLine, readJobLog, readJobLogFrom } from './job-log.js';
import { jobProgress, withLiveTotals, type JobProgress } from './job-progress.js';
import type { SyncStats } from '../../runtime/sync/sync-stats.js';

/** The live numbers of a job this process runs (the scheduler's), when it has them. */
export type LiveStats = (jobId: number) => SyncStats | undefined;

/** A job and the name of its connection (undefined only if the connection is gone). */
export interface ListedJob {
  job: Job;
  connection: string | undefined;
}

export async function findJob(store: Store, id: string): Promise<Job> {
  const job = /^\d+$/.test(id) ? await store.jobs.byId(Number(id)) : undefined;
  if (!job) throw new SluiceError('job.not_found', `no job ${id}`, { hint: 'see: sluice jobs' });
  return job;
}

/** Jobs newest first, of every connection or of the one named (a name or id that must exist). */
export async function listJobs(store: Store, filter: { connection?: string } & Page = {}): Promise<ListedJob[]> {
  const { connection: nameOrId, ...page } = filter;
  if (nameOrId !== undefined) {
    const connection = await findConnection(store, nameOrId);
    return (await store.jobs.list({ connectionId: connection.id, ...page })).map((job) => ({ job, connection: connection.name }));
  }
  const jobs = await store.jobs.list(page);
  const names = new Map((await store.connections.list()).map((item) => [item.id, item.name]));
  return jobs.map((job) => ({ job, connection: names.get(job.connectionId) }));
}

export function jobAttempts(store: Store, job: Job): Promise<JobAttempt[]> {
  return store.jobs.attempts(job.id);
}

/**
 * A job with its attempts and its sync summary (undefined until it ends); while it runs, its live totals and
 * progress (this process's own numbers when it runs the job, else those its runner last wrote to the row).
 */
export async function jobDetail(store: Store, id: string, live: LiveStats = () => undefined): Promise<{ job: Job; attempts: JobAttempt[]; summary: unknown; progress?: JobProgress }> {
  const found = await findJob(store, id);
  const [attempts, summary] = await Promise.all([store.jobs.attempts(found.id), store.jobs.summary(found.id)]);
  const stats = live(found.id);
  const job = withLiveTotals(found, stats);
  return { job, attempts, summary, ...(job.status === 'running' ? { progress: jobProgress(job, stats) } : {}) };
}

/** The connection's newest job, if it has any. */
export function lastJob(store: Store, connectionId: string): Promise<Job | undefined> {
  return store.jobs.last(connectionId);
}

/** The job and its log lines as stored (JSON lines), [] when it has no log yet. */
export async function jobLog(store: Store, id: string): Promise<{ job: Job; lines: string[] }> {
  const job = await findJob(store, id);
  return { job, lines: await readJobLog(store.jobLogs, job) };
}

/**
 * The job's log lines (as objects) stored after `offset` (0: from the start), and the offset to read from next
 * (following a running job; an opaque number to hand back, the last chunk read).
 */
export async function jobLogSince(store: Store, job: Job, offset: number): Promise<{ lines: Array<Record<string, unknown>>; offset: number }> {
  const next = await readJobLogFrom(store.jobLogs, job, offset);
  return { lines: next.lines.map(parseLogLine), offset: next.offset };
}

/** Asks the scheduler to cancel a running job; the destination commits what it received. Returns the job as it is now. */
export async function cancelJob(store: Store, scheduler: Pick<Scheduler, 'cancel'>, id: string): Promise<Job> {
  const job = await findJob(store, id);
  if (job.status !== 'running') throw new SluiceError('job.not_found', `job ${job.id} is not running (it ${job.status})`);
  await scheduler.cancel(job.id);
  return (await store.jobs.byId(job.id))!;
}
