// Owns what may be shown of a job (CLI and API): times as ISO strings, `follow` (a following job's figures, or null),
// the log file's path, the queue's run id, why a cancel was asked for and the
// per-stream counts left out (a running job's detail shows them as its progress), `attempts` the number of attempts (the attempts
// themselves are `attemptHistory`, in a job's detail).
import type { Job } from '../store/records.js';
import type { FollowStats } from '../../runtime/sync/sync-stats.js';

export function publicJob(job: Job, connection?: string): Record<string, unknown> {
  const { logPath: _logPath, streamCounts: _streamCounts, queueJobId: _queueJobId, stopFollowing: _stopFollowing, ...rest } = job;
  return {
    ...rest,
    ...(connection ? { connection } : {}),
    createdAt: new Date(job.createdAt).toISOString(),
    heartbeatAt: new Date(job.heartbeatAt).toISOString(),
    finishedAt: job.finishedAt === null ? null : new Date(job.finishedAt).toISOString(),
  };
}


/** A following job's figures in one line: `lag 0.4s · 950 changes/s · at 0/16B3748` (lag `-` before the first commit). */
export function followLine(follow: FollowStats): string {
  const lag = follow.lagMs === undefined ? '-' : `${(follow.lagMs / 1000).toFixed(1)}s`;
  const rate = Math.round(follow.changesPerSecond);
  return [`lag ${lag}`, `${rate} changes/s`, ...(follow.position === undefined ? [] : [`at ${follow.position}`])].join(' · ');
}
