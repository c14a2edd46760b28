// Migration 8: workers taking jobs from the queue (a PostgreSQL workspace): one row per worker process, its host,
// capacity and heartbeat, for `sluice workers` and GET /api/v1/workers; and on each job the queue's id of the run
// it belongs to, so that the run of a job whose worker died can be failed and retried by the queue.
export const name = 'workers';

export const sql = `
CREATE TABLE workers (
  id TEXT PRIMARY KEY,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  started_at BIGINT NOT NULL,
  heartbeat_at BIGINT NOT NULL,
  concurrency INTEGER NOT NULL,
  running INTEGER NOT NULL DEFAULT 0,
  stopped_at BIGINT
);
ALTER TABLE jobs ADD COLUMN queue_job_id TEXT;
`;
