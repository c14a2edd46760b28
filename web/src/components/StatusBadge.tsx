// Owns a connection's one-word state as shown everywhere: running wins, then paused or disabled (what the operator
// chose), then a failed last job, else enabled.
import type { Connection, Job } from '../types';

export type ConnectionState = 'running' | 'failed' | 'paused' | 'disabled' | 'enabled';

export function connectionState(connection: Connection, lastJob: Job | undefined): ConnectionState {
  if (lastJob?.status === 'running') return 'running';
  if (connection.status === 'paused') return 'paused';
  if (connection.status !== 'active') return 'disabled';
  if (lastJob?.status === 'failed') return 'failed';
  return 'enabled';
}

export function StatusBadge({ state }: { state: string }) {
  return <span className={`badge badge-${state}`}>{state}</span>;
}
