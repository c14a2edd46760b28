// Owns finding jobs whose runner died: a job marked running whose process is gone (same host, pid not alive),
// a job of this very process that it does not run (its connection is not in `ownConnections`), or a job whose
// heartbeat stopped (another host, or a stuck process) is marked failed with job.orphaned, so that the
// connection can run again. The caller decides whether to retry.
import { hostname } from 'node:os';
import type { Store } from '../store/open-store.js';
import type { Job } from '../store/records.js';

export const DEFAULT_STALE_MS = 60_000;

export interface RecoveryOptions {
  staleMs?: number;
  now?: number;
  /** The connections whose jobs this process is running (none when it has just started). */
  ownConnections?: ReadonlySet<string>;
}

export async function recoverOrphanedJobs(store: Store, options: RecoveryOptions = {}): Promise<Job[]> {
  const now = options.now ?? Date.now();
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const recovered: Job[] = [];
  for (const job of await store.jobs.allRunning()) {
    const reason = orphanReason(job, now, staleMs, options.ownConnections ?? new Set());
    if (reason === undefined) continue;
    // A job its user had asked to cancel ends cancelled (and is not retried), not orphaned.
    const ended = job.cancelRequested
      ? await store.jobs.finish(job.id, 'cancelled', job.stopFollowing ? { code: 'job.stopped_following', message: `its connection no longer follows; ${reason}` } : { code: 'job.cancelled', message: `the job was cancelled; ${reason}` })
      : await store.jobs.finish(job.id, 'failed', { code: 'job.orphaned', message: reason });
    if (ended) recovered.push((await store.jobs.byId(job.id))!);
  }
  return recovered;
}

function orphanReason(job: Job, now: number, staleMs: number, ownConnections: ReadonlySet<string>): string | undefined {
  const [host, pidText] = splitRunner(job.runner);
  const pid = Number(pidText);
  if (host === hostname() && Number.isInteger(pid)) {
    if (pid === process.pid && ownConnections.has(job.connectionId)) return undefined;
    if (pid === process.pid || !isAlive(pid)) return `the process that ran it (${job.runner}) stopped before the job finished`;
    // A live process on this host: trust it while its heartbeat is fresh.
  }
  if (now - job.heartbeatAt > staleMs) {
    return `its runner (${job.runner}) sent no heartbeat for ${Math.round((now - job.heartbeatAt) / 1000)} s`;
  }
  return undefined;
}

function splitRunner(runner: string): [string, string] {
  const colon = runner.lastIndexOf(':');
  return colon < 0 ? [runner, ''] : [runner.slice(0, colon), runner.slice(colon + 1)];
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
