// Owns what may be shown of a job (CLI and API): times as ISO strings, the log file's path left out.
import type { Job } from '../store/records.js';

export function publicJob(job: Job, connection?: string): Record<string, unknown> {
  const { logPath: _logPath, ...rest } = job;
  return {
    ...rest,
    ...(connection ? { connection } : {}),
    createdAt: new Date(job.createdAt).toISOString(),
    heartbeatAt: new Date(job.heartbeatAt).toISOString(),
    finishedAt: job.finishedAt === null ? null : new Date(job.finishedAt).toISOString(),
  };
}
