// Owns the restart rule of a continuous connection (schedule `continuous`): the scheduler keeps one following job
// running for it, and this says when the next one may start, from the connection's newest jobs (newest first):
//  - none yet, or the last one succeeded (a source that ended by itself, or a batch job from before the schedule
//    became continuous): now;
//  - the last one failed (its sync gave up, or its runner died: job.orphaned): after a backoff that doubles with each
//    consecutive failed job, capped at 10 minutes, counted from the failed job's end;
//  - the last one was cancelled by its user: never (cancel = stop), until the connection changes after it ended
//    (disabled and enabled again, or its schedule set again) or someone asks for a run by hand (that job is the newest
//    then); one stopped because the connection was disabled or left continuous (job.stopped_following): now, since
//    the caller asks only about an active continuous connection (so it was enabled or set continuous again, however
//    soon after); one cancelled by no one (its server or worker stopped, or a terminal run was interrupted): now;
//  - a change to the connection after the last job ended (re-enabled, say) also clears a failure backoff.
// A running job means nothing is due (the caller checks it, for this and other processes).
import type { Connection, Job } from '../store/records.js';

export const MAX_RESTART_BACKOFF_MS = 10 * 60_000;
/** The newest jobs the rule reads: enough consecutive failures to reach the cap from a one-second base. */
export const RESTART_HISTORY = 12;

/** When the connection's next following job may start (ms since the epoch); +Infinity: not until something changes. */
export function continuousDueAt(connection: Pick<Connection, 'updatedAt'>, newestJobs: readonly Job[], backoffMs: number): number {
  const last = newestJobs[0];
  if (!last) return 0;
  if (last.status === 'running') return Number.POSITIVE_INFINITY;
  const ended = last.finishedAt ?? last.heartbeatAt;
  if (connection.updatedAt > ended) return 0;
  if (last.status === 'succeeded' || last.failureCode === 'job.stopped_following') return 0;
  if (last.status === 'cancelled') return last.cancelRequested ? Number.POSITIVE_INFINITY : 0;
  return ended + restartBackoffMs(consecutiveFailures(newestJobs), backoffMs);
}

/** The wait before restarting after `failures` consecutive failed jobs: `backoffMs`, doubled per failure, at most 10 min. */
export function restartBackoffMs(failures: number, backoffMs: number): number {
  return Math.min(MAX_RESTART_BACKOFF_MS, Math.max(0, backoffMs) * 2 ** Math.min(30, Math.max(0, failures - 1)));
}

function consecutiveFailures(newestJobs: readonly Job[]): number {
  let count = 0;
  for (const job of newestJobs) {
    if (job.status !== 'failed') break;
    count++;
  }
  return count;
}
