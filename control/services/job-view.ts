// Owns what may be shown of a job (CLI and API): times as ISO strings, the log file's path, the queue's run id and the
// per-stream counts left out (a running job's detail shows them as its progress), `attempts` the number of attempts (the attempts
// themselves are `attemptHistory`, in a job's detail).
import type { Job } from '../store/records.js';

export function publicJob(job: Job, connection?: string): Record<string, unknown> {
  const { logPath: _logPath, streamCounts: _streamCounts, queueJobId: _queueJobId, ...rest } = job;
  return {
    ...rest,
    ...(connection ? { connection } : {}),
    createdAt: new Date(job.createdAt).toISOString(),
    heartbeatAt: new Date(job.heartbeatAt).toISOString(),
    finishedAt: job.finishedAt === null ? null : new Date(job.finishedAt).toISOString(),
  };
}

