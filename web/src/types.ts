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
