// Migration 7: a job's log lives in the store, not on the runner's disk (jobs run on worker machines): its
// JSON lines in ordered chunks (seq 1, 2, … in the order the runner appended them; each chunk whole lines), and on
// the job the bytes stored and the lines/bytes dropped over the per-job cap. jobs.log_path stays for the logs of
// jobs that ran before, which are files.
export const name = 'job-logs';

export const sql = `
CREATE TABLE job_log_chunks (
  job_id BIGINT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (job_id, seq)
);
ALTER TABLE jobs ADD COLUMN log_bytes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN log_dropped_lines BIGINT NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN log_dropped_bytes BIGINT NOT NULL DEFAULT 0;
`;
