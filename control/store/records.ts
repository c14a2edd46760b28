// Owns the shapes the store hands out: actors (sources and destinations), connections, jobs and attempts, as
// the rest of Sluice sees them (configs decrypted, JSON parsed, times as epoch milliseconds), and the vocabularies
// of their fields (schema-change policies, webhook events).
import type { AirbyteCatalog, ConfiguredAirbyteCatalog } from '../../protocol/types.generated.js';
import type { MappersDefinition } from '../../runtime/mappers/index.js';
import type { FollowStats } from '../../runtime/sync/sync-stats.js';

export type ActorKind = 'source' | 'destination';

export interface Actor {
  id: string;
  kind: ActorKind;
  name: string;
  /** The connector reference: a built-in name, a path, a command or docker:IMAGE. */
  connector: string;
  /** The config with its secrets decrypted: never print it, print maskConfig(config, secretPaths). */
  config: unknown;
  secretPaths: string[][];
  createdAt: number;
  updatedAt: number;
}

export type ConnectionStatus = 'active' | 'inactive';
export type SchemaChangePolicy = 'ignore' | 'propagate' | 'pause';
export const SCHEMA_CHANGE_POLICIES: SchemaChangePolicy[] = ['ignore', 'propagate', 'pause'];

/** What a webhook may be notified of. */
export const WEBHOOK_EVENTS = ['job.started', 'job.succeeded', 'job.failed', 'job.cancelled', 'connection.schema_changed'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface Connection {
  id: string;
  name: string;
  sourceId: string;
  destinationId: string;
  catalog: ConfiguredAirbyteCatalog;
  /** Everything the source offered when the catalog was last settled: new streams are those not in here. */
  discovered: AirbyteCatalog | null;
  namespace: string | null;
  streamPrefix: string;
  /** A cron expression or an interval such as `every 15m`; null means manual only. */
  schedule: string | null;
  status: ConnectionStatus;
  statusReason: string | null;
  schemaChangePolicy: SchemaChangePolicy;
  /** Per stream, the steps applied to each record between source and destination (issue 12); null for none. */
  mappers: MappersDefinition | null;
  /** The label a worker must have to run its jobs (a PostgreSQL workspace: `sluice worker --label`); null for any worker. */
  workerLabel: string | null;
  createdAt: number;
  updatedAt: number;
}
export type JobStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Job {
  id: number;
  connectionId: string;
  status: JobStatus;
  /** manual, schedule, api, retry (a job that replaces one left running by a crashed process). */
  trigger: string;
  /** host:pid of the process that runs it. */
  runner: string;
  createdAt: number;
  heartbeatAt: number;
  finishedAt: number | null;
  attempts: number;
  recordsEmitted: number;
  recordsCommitted: number;
  bytesCommitted: number;
  failureCode: string | null;
  failureMessage: string | null;
  cancelRequested: boolean;
  /** Set when the cancellation asked for is its connection stopping to follow (disabled, or no longer continuous). */
  stopFollowing?: true;
  logPath: string | null;
  /** Per-stream counts, written while the job runs (every heartbeat) and kept once it ends; null before the first. */
  streamCounts: StreamCount[] | null;
  /** The queue's run this job belongs to (a PostgreSQL workspace's workers); null when run in-process. */
  queueJobId: string | null;
  /** A following job's (continuous connection) latest figures, written with its live counts; null when it does not follow. */
  follow: FollowStats | null;
}

/** One stream's numbers in a job, cumulative over its attempts. */
export interface StreamCount {
  name: string;
  recordsEmitted: number;
  bytesEmitted: number;
  recordsCommitted: number;
  bytesCommitted: number;
  /** Records a mapper's filter dropped (among recordsEmitted); present only when some were. */
  recordsFiltered?: number;
  estimate?: number;
  status?: string;
}

export interface JobAttempt {
  jobId: number;
  number: number;
  status: JobStatus;
  startedAt: number;
  finishedAt: number | null;
  recordsEmitted: number;
  recordsCommitted: number;
  failureCode: string | null;
  failureMessage: string | null;
}

export interface Page {
  limit?: number;
  offset?: number;
}
