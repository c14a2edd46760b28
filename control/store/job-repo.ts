// Owns the jobs and job_attempts tables. A job is inserted already running: the partial unique index
// jobs_one_running turns a second running job for the same connection into job.already_running, for every
// process sharing the database. The runner's heartbeat tells a live job from one whose process died.
import { SluiceError } from '../../runtime/errors.js';
import { isUniqueViolation, type Driver, type Row } from './driver.js';
import type { Job, JobAttempt, JobStatus, Page, StreamCount } from './records.js';
import type { FollowStats } from '../../runtime/sync/sync-stats.js';

export interface JobTotals {
  attempts: number;
  recordsEmitted: number;
  recordsCommitted: number;
  bytesCommitted: number;
}

/**
 * Why a job is asked to stop: 'cancel', a user's request (cancel_requested = 1); 'stop_following', its connection
 * stopped being continuous or was disabled (2), which a continuous connection made active again does not hold
 * against it (control/jobs/continuous.ts).
 */
export type CancelReason = 'cancel' | 'stop_following';

export class JobRepo {
  constructor(private readonly db: Driver) {}

  /** `queueJobId`: the queue's run this job belongs to (a PostgreSQL workspace's workers). */
  async start(connection: { id: string; name: string }, trigger: string, runner: string, queueJobId?: string): Promise<Job> {
    const now = Date.now();
    try {
      // queue_job_id only when there is one: a job run in-process writes the columns every schema version has.
      const row = await this.db.one<{ id: number }>(
        queueJobId === undefined
          ? `INSERT INTO jobs (connection_id, status, trigger, runner, created_at, heartbeat_at) VALUES (?, 'running', ?, ?, ?, ?) RETURNING id`
          : `INSERT INTO jobs (connection_id, status, trigger, runner, created_at, heartbeat_at, queue_job_id) VALUES (?, 'running', ?, ?, ?, ?, ?) RETURNING id`,
        [connection.id, trigger, runner, now, now, ...(queueJobId === undefined ? [] : [queueJobId])],
      );
      return (await this.byId(Number(row!.id)))!;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const running = await this.running(connection.id);
      throw new SluiceError('job.already_running', `connection ${connection.name} already has a running job${running ? ` (job ${running.id}, on ${running.runner})` : ''}`, {
        cause: error,
      });
    }
  }

  /**
   * Records that the runner is alive. 'cancel' or 'stop_following': cancellation was requested (CancelReason); 'lost': the job is no longer running (the
   * recovery ended it while its runner was stalled), so the runner must stop; 'run': go on.
   */
  async heartbeat(id: number): Promise<'run' | CancelReason | 'lost'> {
    const beaten = await this.db.run("UPDATE jobs SET heartbeat_at = ? WHERE id = ? AND status = 'running'", [Date.now(), id]);
    if (beaten === 0) return 'lost';
    const row = await this.db.one<{ cancel_requested: number }>('SELECT cancel_requested FROM jobs WHERE id = ?', [id]);
    return cancelReasonOf(row?.cancel_requested) ?? 'run';
  }

  /** A user's request is not turned into a stop_following one (the job stays cancelled by its user). */
  async requestCancel(id: number, reason: CancelReason = 'cancel'): Promise<boolean> {
    return (await this.db.run(`UPDATE jobs SET cancel_requested = ? WHERE id = ? AND status = 'running'${reason === 'cancel' ? '' : ' AND cancel_requested = 0'}`, [
      reason === 'cancel' ? 1 : 2, id,
    ])) > 0;
  }

  async updateTotals(id: number, totals: JobTotals): Promise<void> {
    // Only while it runs: a runner whose job was ended elsewhere (taken over) must not rewrite its numbers.
    await this.db.run("UPDATE jobs SET attempts = ?, records_emitted = ?, records_committed = ?, bytes_committed = ? WHERE id = ? AND status = 'running'", [
      totals.attempts, totals.recordsEmitted, totals.recordsCommitted, totals.bytesCommitted, id,
    ]);
  }

  /**
   * A running job's live numbers (cumulative over its attempts), so that other processes see them; a job that has
   * ended keeps the numbers its end recorded.
   */
  async updateLive(id: number, live: { recordsEmitted: number; recordsCommitted: number; bytesCommitted: number; streams: StreamCount[] }, follow?: FollowStats): Promise<void> {
    // follow only when there is some: a job that does not follow writes the columns every schema version has.
    await this.db.run(
      `UPDATE jobs SET records_emitted = ?, records_committed = ?, bytes_committed = ?, stream_counts = ?${follow ? ', follow = ?' : ''} WHERE id = ? AND status = 'running'`,
      [live.recordsEmitted, live.recordsCommitted, live.bytesCommitted, JSON.stringify(live.streams), ...(follow ? [JSON.stringify(follow)] : []), id],
    );
  }

  /** A following job's figures alone (at its start, before the sync has any: the job shows it follows). */
  async updateFollow(id: number, follow: FollowStats): Promise<void> {
    await this.db.run("UPDATE jobs SET follow = ? WHERE id = ? AND status = 'running'", [JSON.stringify(follow), id]);
  }

  /** Ends a running job; false when it had already ended (e.g. marked failed by a recovering server). */
  async finish(id: number, status: Exclude<JobStatus, 'running'>, failure?: { code: string; message: string }, summary?: unknown): Promise<boolean> {
    const changed = await this.db.run(
      "UPDATE jobs SET status = ?, finished_at = ?, failure_code = ?, failure_message = ?, summary = ? WHERE id = ? AND status = 'running'",
      [status, Date.now(), failure?.code ?? null, failure?.message ?? null, summary === undefined ? null : JSON.stringify(summary), id],
    );
    return changed > 0;
  }

  /** Records attempt `number` as under way; the job's `attempts` counts it from now on (a running job has made one). */
  async startAttempt(jobId: number, number: number): Promise<void> {
    await this.db.run("INSERT INTO job_attempts (job_id, number, status, started_at) VALUES (?, ?, 'running', ?)", [jobId, number, Date.now()]);
    await this.db.run('UPDATE jobs SET attempts = ? WHERE id = ?', [number, jobId]);
  }

  async finishAttempt(
    jobId: number,
    number: number,
    result: { status: Exclude<JobStatus, 'running'>; recordsEmitted: number; recordsCommitted: number; failure?: { code: string; message: string } },
  ): Promise<void> {
    await this.db.run(
      'UPDATE job_attempts SET status = ?, finished_at = ?, records_emitted = ?, records_committed = ?, failure_code = ?, failure_message = ? WHERE job_id = ? AND number = ?',
      [result.status, Date.now(), result.recordsEmitted, result.recordsCommitted, result.failure?.code ?? null, result.failure?.message ?? null, jobId, number],
    );
  }

  async byId(id: number): Promise<Job | undefined> {
    const row = await this.db.one('SELECT * FROM jobs WHERE id = ?', [id]);
    return row && jobFromRow(row);
  }

  async running(connectionId?: string): Promise<Job | undefined> {
    const row = connectionId === undefined
      ? await this.db.one("SELECT * FROM jobs WHERE status = 'running' ORDER BY id LIMIT 1")
      : await this.db.one("SELECT * FROM jobs WHERE status = 'running' AND connection_id = ?", [connectionId]);
    return row && jobFromRow(row);
  }

  /** The running job of a queued run, if any. */
  async runningForRun(queueJobId: string): Promise<Job | undefined> {
    const row = await this.db.one("SELECT * FROM jobs WHERE queue_job_id = ? AND status = 'running'", [queueJobId]);
    return row && jobFromRow(row);
  }

  async allRunning(): Promise<Job[]> {
    return (await this.db.all("SELECT * FROM jobs WHERE status = 'running' ORDER BY id")).map(jobFromRow);
  }

  /** Newest first. */
  async list(filter: { connectionId?: string } & Page = {}): Promise<Job[]> {
    const where = filter.connectionId === undefined ? '' : 'WHERE connection_id = ?';
    const params = filter.connectionId === undefined ? [] : [filter.connectionId];
    const rows = await this.db.all(`SELECT * FROM jobs ${where} ORDER BY id DESC LIMIT ? OFFSET ?`, [...params, filter.limit ?? 1_000_000, filter.offset ?? 0]);
    return rows.map(jobFromRow);
  }

  async last(connectionId: string): Promise<Job | undefined> {
    return (await this.list({ connectionId, limit: 1 }))[0];
  }

  async attempts(jobId: number): Promise<JobAttempt[]> {
    const rows = await this.db.all('SELECT * FROM job_attempts WHERE job_id = ? ORDER BY number', [jobId]);
    return rows.map((row) => ({
      jobId: Number(row['job_id']),
      number: Number(row['number']),
      status: row['status'] as JobStatus,
      startedAt: Number(row['started_at']),
      finishedAt: row['finished_at'] == null ? null : Number(row['finished_at']),
      recordsEmitted: Number(row['records_emitted']),
      recordsCommitted: Number(row['records_committed']),
      failureCode: (row['failure_code'] as string | null) ?? null,
      failureMessage: (row['failure_message'] as string | null) ?? null,
    }));
  }

  async summary(jobId: number): Promise<unknown> {
    const row = await this.db.one<{ summary: string | null }>('SELECT summary FROM jobs WHERE id = ?', [jobId]);
    return row?.summary ? JSON.parse(row.summary) : undefined;
  }
}

function jobFromRow(row: Row): Job {
  return {
    id: Number(row['id']),
    connectionId: String(row['connection_id']),
    status: row['status'] as JobStatus,
    trigger: String(row['trigger']),
    runner: String(row['runner']),
    createdAt: Number(row['created_at']),
    heartbeatAt: Number(row['heartbeat_at']),
    finishedAt: row['finished_at'] == null ? null : Number(row['finished_at']),
    attempts: Number(row['attempts']),
    recordsEmitted: Number(row['records_emitted']),
    recordsCommitted: Number(row['records_committed']),
    bytesCommitted: Number(row['bytes_committed']),
    failureCode: (row['failure_code'] as string | null) ?? null,
    failureMessage: (row['failure_message'] as string | null) ?? null,
    cancelRequested: cancelReasonOf(row['cancel_requested']) !== undefined,
    ...(cancelReasonOf(row['cancel_requested']) === 'stop_following' ? { stopFollowing: true } : {}),
    logPath: (row['log_path'] as string | null) ?? null,
    streamCounts: row['stream_counts'] == null ? null : (JSON.parse(String(row['stream_counts'])) as StreamCount[]),
    queueJobId: (row['queue_job_id'] as string | null) ?? null,
    follow: row['follow'] == null ? null : (JSON.parse(String(row['follow'])) as FollowStats),
  };
}

function cancelReasonOf(value: unknown): CancelReason | undefined {
  const flag = Number(value ?? 0);
  return flag === 1 ? 'cancel' : flag === 2 ? 'stop_following' : undefined;
}
