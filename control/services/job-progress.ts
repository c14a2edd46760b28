// Owns a running job's progress as the API and the CLI show it: per stream, records and bytes emitted, records
// committed, records a mapper's filter dropped (only when some were), the source's estimate and status, and the rate. It comes from the live numbers of the attempt under
// way when this process runs the job, else from the per-stream counts the job's runner writes to its row with each
// heartbeat (another process, or `sluice sync` in a terminal). The counts are cumulative over the job's attempts.
import type { FollowStats, SyncStats } from '../../runtime/sync/sync-stats.js';
import type { Job, StreamCount } from '../store/records.js';

export interface JobProgress {
  streams: StreamCount[];
  recordsPerSecond: number;
}

/** The job's live numbers, for its row (job-repo updateLive). */
export function liveCounts(stats: SyncStats): { recordsEmitted: number; recordsCommitted: number; bytesCommitted: number; streams: StreamCount[] } {
  const streams = [...stats.streams.values()].map((item): StreamCount => ({
    name: item.stream,
    recordsEmitted: item.recordsEmitted,
    bytesEmitted: item.bytesEmitted,
    recordsCommitted: item.recordsCommitted,
    bytesCommitted: item.bytesCommitted,
    ...(item.recordsFiltered > 0 ? { recordsFiltered: item.recordsFiltered } : {}),
    ...(item.rowEstimate === undefined ? {} : { estimate: item.rowEstimate }),
    ...(item.status === undefined ? {} : { status: item.status }),
  }));
  const sum = (field: 'recordsEmitted' | 'recordsCommitted' | 'bytesCommitted') => streams.reduce((total, item) => total + item[field], 0);
  return { recordsEmitted: sum('recordsEmitted'), recordsCommitted: sum('recordsCommitted'), bytesCommitted: sum('bytesCommitted'), streams };
}

/** The progress of a running job: from `live` (this process runs it) or from its row. */
export function jobProgress(job: Job, live: SyncStats | undefined, now = Date.now()): JobProgress {
  if (live) {
    const { streams, recordsEmitted } = liveCounts(live);
    return { streams, recordsPerSecond: rate(recordsEmitted, now - live.startedAt) };
  }
  return { streams: job.streamCounts ?? [], recordsPerSecond: rate(job.recordsEmitted, now - job.createdAt) };
}

/** A running job with its live totals (and follow figures): the row's, or this process's own when it runs the job (fresher). */
export function withLiveTotals(job: Job, live: SyncStats | undefined): Job {
  if (!live || job.status !== 'running') return job;
  const { recordsEmitted, recordsCommitted, bytesCommitted, streams } = liveCounts(live);
  return { ...job, recordsEmitted, recordsCommitted, bytesCommitted, streamCounts: streams, ...(live.follow ? { follow: followFigures(live.follow) } : {}) };
}

function rate(records: number, ms: number): number {
  return ms > 0 ? Math.round((records / (ms / 1000)) * 10) / 10 : 0;
}

/** The follow figures as stored and shown: the documented fields only (the runtime's object may carry more). */
export function followFigures(follow: FollowStats): FollowStats {
  const streams: FollowStats['streams'] = {};
  for (const [name, figures] of Object.entries(follow.streams ?? {})) streams[name] = figures.lagMs === undefined ? {} : { lagMs: figures.lagMs };
  return {
    ...(follow.position === undefined ? {} : { position: follow.position }),
    ...(follow.sourceTime === undefined ? {} : { sourceTime: follow.sourceTime }),
    ...(follow.lagMs === undefined ? {} : { lagMs: follow.lagMs }),
    changesPerSecond: follow.changesPerSecond,
    ...(follow.lastCommitAt === undefined ? {} : { lastCommitAt: follow.lastCommitAt }),
    restarts: follow.restarts,
    streams,
  };
}
