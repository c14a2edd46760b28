// Owns a connection's one-word state as shown everywhere: running wins (live when the job follows its source, a
// continuous connection's), then paused or disabled (what the operator chose), then a failed last job, then stopped
// (a continuous connection whose job was cancelled: the scheduler leaves it until someone starts it), else enabled.
import { isFollowing } from '../lib/follow';
import { isContinuous } from '../lib/schedule-input';
import type { Connection, Job } from '../types';

export type ConnectionState = 'live' | 'running' | 'failed' | 'paused' | 'disabled' | 'stopped' | 'enabled';

export function connectionState(connection: Connection, lastJob: Job | undefined): ConnectionState {
  if (lastJob?.status === 'running') return isFollowing(connection.schedule, lastJob) ? 'live' : 'running';
  if (connection.status === 'paused') return 'paused';
  if (connection.status !== 'active') return 'disabled';
  if (lastJob?.status === 'failed') return 'failed';
  if (lastJob?.status === 'cancelled' && isContinuous(connection.schedule)) return 'stopped';
  return 'enabled';
}

export function StatusBadge({ state }: { state: string }) {
  // A live badge carries a pulsing dot (styles.css), drawn only: its word says it.
  return <span className={`badge badge-${state}`}>{state === 'live' && <span className="live-dot" aria-hidden="true" />}{state}</span>;
}
