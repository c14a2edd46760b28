// Migration 10: a following job's live figures (JSON, runtime/sync/sync-stats.ts FollowStats: position, sourceTime,
// lagMs, changesPerSecond, lastCommitAt, restarts, streams), written with its live counts at each heartbeat so that
// every process sharing the database sees them; kept once the job ends. Null for a job that does not follow.
export const name = 'job-follow';

export const sql = `
ALTER TABLE jobs ADD COLUMN follow TEXT;
`;
