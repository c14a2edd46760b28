// The shapes the dashboard reads from the REST API (see /api/v1/openapi.json for the full schemas).
export type JobStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface StreamSummary {
  name: string;
  namespace?: string;
  syncMode: 'full_refresh' | 'incremental';
  destinationSyncMode: 'overwrite' | 'append' | 'append_dedup' | string;
  cursorField?: string[];
  primaryKey?: string[][];
  /** The top-level properties of the stream's JSON schema, before any mapper. */
  fields?: string[];
}

export interface Connection {
  id: number;
  name: string;
  source: string;
  destination: string;
  namespace: string | null;
  streamPrefix: string;
  schedule: string | null;
  status: 'active' | 'inactive' | 'paused' | string;
  statusReason: string | null;
  schemaChangePolicy: string;
  streams: StreamSummary[];
  createdAt: string;
  updatedAt: string;
  nextRunAt?: string | null;
}

/**
 * A following job's live figures (issue 15's contract; runtime/sync/sync-stats.ts FollowStats as JSON): the source
 * position and source time of the last committed state, the lag at that commit, changes committed per second, when
 * it committed, the attempts restarted, and per stream the lag at the last commit that covered it.
 */
export interface FollowStats {
  position?: string;
  sourceTime?: string;
  lagMs?: number;
  changesPerSecond: number;
  /** Ms since the epoch. */
  lastCommitAt?: number;
  restarts: number;
  streams: Record<string, { lagMs?: number }>;
}

export interface Job {
  id: number;
  connectionId: number;
  connection?: string;
  status: JobStatus;
  trigger: string;
  attempts: number;
  recordsEmitted: number;
  recordsCommitted: number;
  bytesCommitted: number;
  failureCode: string | null;
  failureMessage: string | null;
  createdAt: string;
  finishedAt: string | null;
  /** A following job's figures (continuous connection); null or absent otherwise, and from servers before it. */
  follow?: FollowStats | null;
}

export interface Actor {
  id: string;
  kind: 'source' | 'destination';
  name: string;
  connector: string;
  /** Secret fields hold the mask "**********", never the stored value. */
  config: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}
