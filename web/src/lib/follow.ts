// Owns telling a following job (a continuous connection's, issue 15) from a batch one, and which of its figures the
// dashboard shows: its live `follow` figures from the progress events (fresher) or the job's row, and when a lag is
// worth the eye. No React here.
import type { FollowStats } from '../types';
import { isContinuous } from './schedule-input';

/** A lag above this is coloured: the promise of a continuous connection is changes within seconds. */
export const LAG_WARN_MS = 5_000;

export const isLagging = (lagMs: number | undefined): boolean => lagMs !== undefined && lagMs > LAG_WARN_MS;

/** The freshest follow figures known for a job: its latest progress event's, else its row's. */
export function followOf(job: { follow?: FollowStats | null } | undefined, progress?: { follow?: FollowStats | null }): FollowStats | undefined {
  return progress?.follow ?? job?.follow ?? undefined;
}

/**
 * A job follows its source when it says so (figures) or when its connection is continuous: before its first commit
 * a following job has no figures yet, and a server before issue 15 sends none at all.
 */
export function isFollowing(schedule: string | null | undefined, job: { follow?: FollowStats | null } | undefined): boolean {
  return isContinuous(schedule) || (job?.follow !== undefined && job.follow !== null);
}
