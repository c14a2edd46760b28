// Owns what the CLI and the API show of the workers of a PostgreSQL workspace: the live ones (a heartbeat within
// the last 30 s), with their host, start, capacity, labels, last heartbeat and the jobs they are running now.
import type { Store } from '../store/open-store.js';

const LIVE_WITHIN_MS = 30_000;

export interface WorkerView {
  id: string;
  host: string;
  pid: number;
  startedAt: string;
  heartbeatAt: string;
  concurrency: number;
  labels: string[];
  runningJobs: number[];
}

export async function liveWorkers(store: Store): Promise<WorkerView[]> {
  const [workers, running] = await Promise.all([store.workers.live(LIVE_WITHIN_MS), store.jobs.allRunning()]);
  return workers.map((worker) => ({
    id: worker.id,
    host: worker.host,
    pid: worker.pid,
    startedAt: new Date(worker.startedAt).toISOString(),
    heartbeatAt: new Date(worker.heartbeatAt).toISOString(),
    concurrency: worker.concurrency,
    labels: worker.labels,
    runningJobs: running.filter((job) => job.runner === worker.id).map((job) => job.id),
  }));
}
