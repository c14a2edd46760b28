// Migration 5: a running job's per-stream counts (JSON: [{name, recordsEmitted, bytesEmitted, recordsCommitted,
// bytesCommitted, estimate?, status?}]), written with each heartbeat so that every process sharing the database
// sees the job's live numbers; kept once it ends.
export const name = 'job-stream-counts';

export const sql = `
ALTER TABLE jobs ADD COLUMN stream_counts TEXT;
`;
