// Owns the TypeBox schemas of the API's answers: every object the routes return, its required fields listed, and
// the one error body. The OpenAPI document is built from them, and a test checks real answers against it, so a
// handler that starts returning another shape fails there.
import { Type, type TSchema } from 'typebox';
import { SCHEMA_CHANGE_POLICIES } from '../store/records.js';
import { WEBHOOK_EVENTS } from '../store/records.js';
import { stringEnum, stringOrNull } from './request-schemas.js';
import { mappersShown } from './mapper-schemas.js';

const isoTime = Type.String({ format: 'date-time' });
const isoTimeOrNull = Type.Unsafe<string | null>({ type: ['string', 'null'], format: 'date-time' });
const epochMs = Type.Integer({ description: 'milliseconds since the epoch' });
const epochMsOrNull = Type.Unsafe<number | null>({ type: ['integer', 'null'], description: 'milliseconds since the epoch' });
const jobStatus = stringEnum(['running', 'succeeded', 'failed', 'cancelled']);

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String({ description: 'a stable dotted code, e.g. connection.not_found' }),
    message: Type.String(),
    hint: Type.Optional(Type.String({ description: 'what to do about it' })),
  }, { additionalProperties: false }),
}, { additionalProperties: false, description: 'An error' });

/** A page of a list: `next` is the offset of the next page, or null on the last one. */
export function Page<T extends TSchema>(item: T) {
  return Type.Object({
    data: Type.Array(item),
    pagination: Type.Object({ limit: Type.Integer(), offset: Type.Integer(), next: Type.Unsafe<number | null>({ type: ['integer', 'null'] }) }, { additionalProperties: false }),
  }, { additionalProperties: false });
}

export const Health = Type.Object({
  status: Type.Literal('ok'),
  running: Type.Array(Type.Integer(), { description: 'ids of the jobs this server runs' }),
  queued: Type.Integer({ description: 'connections waiting for a slot' }),
  concurrency: Type.Integer(),
}, { additionalProperties: false });

export const WorkerList = Type.Object({
  data: Type.Array(Type.Object({
    id: Type.String({ description: 'host:pid-tag, as the jobs it runs record it' }),
    host: Type.String(),
    pid: Type.Integer(),
    startedAt: isoTime,
    heartbeatAt: isoTime,
    concurrency: Type.Integer({ description: 'jobs it runs at once, at most' }),
    labels: Type.Array(Type.String(), { description: 'its worker labels: it also takes the runs of connections that require one of them' }),
    runningJobs: Type.Array(Type.Integer()),
  }, { additionalProperties: false })),
}, { additionalProperties: false });

export const Actor = Type.Object({
  id: Type.String(),
  kind: stringEnum(['source', 'destination']),
  name: Type.String(),
  connector: Type.String({ description: 'built-in name, path, command, or docker:IMAGE[:TAG]' }),
  config: Type.Unsafe({ description: 'the config, its secrets shown as **********' }),
  createdAt: isoTime,
  updatedAt: isoTime,
}, { additionalProperties: false });

export const CheckResult = Type.Object({
  status: stringEnum(['SUCCEEDED', 'FAILED']),
  message: Type.Optional(Type.String()),
}, { additionalProperties: false });

export const ConnectionCheck = Type.Object({
  source: CheckResult,
  destination: CheckResult,
}, { additionalProperties: false });

export const ConnectorList = Type.Object({
  data: Type.Array(Type.Object({
    name: Type.String(),
    kind: stringEnum(['source', 'destination']),
    description: Type.String(),
  }, { additionalProperties: false })),
}, { additionalProperties: false });

/** An Airbyte ConnectorSpecification, as the connector sent it (its inside is the connector's). */
export const ConnectorSpec = Type.Unsafe<Record<string, unknown>>({
  type: 'object',
  required: ['connectionSpecification'],
  properties: {
    connectionSpecification: { type: 'object', description: "the JSON Schema of the connector's config" },
    documentationUrl: { type: 'string' },
    supported_destination_sync_modes: { type: 'array', items: { type: 'string' } },
  },
  description: 'the Airbyte ConnectorSpecification',
});

/** An Airbyte catalog as the source discovered it. */
export const Discovered = Type.Object({
  catalog: Type.Unsafe<Record<string, unknown>>({
    type: 'object',
    required: ['streams'],
    properties: {
      streams: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'json_schema', 'supported_sync_modes'],
          properties: {
            name: { type: 'string' },
            namespace: { type: 'string' },
            json_schema: { type: 'object' },
            supported_sync_modes: { type: 'array', items: { type: 'string', enum: ['full_refresh', 'incremental'] } },
            source_defined_cursor: { type: 'boolean' },
            default_cursor_field: { type: 'array', items: { type: 'string' } },
            source_defined_primary_key: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
          },
        },
      },
    },
    description: 'the AirbyteCatalog',
  }),
}, { additionalProperties: false });

export const WebhookTest = Type.Object({
  delivered: Type.Boolean({ description: 'the receiver answered 2xx' }),
  status: Type.Optional(Type.Integer({ description: "the receiver's HTTP status, if it answered" })),
  error: Type.Optional(Type.String({ description: 'why it was not delivered' })),
}, { additionalProperties: false });

const StreamSummary = Type.Object({
  name: Type.String(),
  namespace: Type.Optional(Type.String()),
  syncMode: stringEnum(['full_refresh', 'incremental']),
  destinationSyncMode: stringEnum(['append', 'overwrite', 'append_dedup', 'overwrite_dedup']),
  cursorField: Type.Optional(Type.Array(Type.String())),
  primaryKey: Type.Optional(Type.Array(Type.Array(Type.String()))),
  fields: Type.Array(Type.String(), { description: "the top-level properties of the stream's JSON schema in the stored catalog, before any mapper" }),
}, { additionalProperties: false });

/** A following job's figures (runtime/sync/sync-stats.ts FollowStats). */
export const FollowStats = Type.Object({
  position: Type.Optional(Type.String({ description: 'the source position of the last committed state (source-postgres: its LSN, e.g. 0/16B3748)' })),
  sourceTime: Type.Optional(Type.String({ description: 'the source time (ISO 8601) the last committed state is complete up to' })),
  lagMs: Type.Optional(Type.Number({ description: 'at the last commit: the wall clock minus sourceTime, in milliseconds' })),
  changesPerSecond: Type.Number({ description: 'records committed per second over the last few seconds' }),
  lastCommitAt: Type.Optional(Type.Number({ description: 'when the last state was committed, milliseconds since the epoch' })),
  restarts: Type.Integer({ description: 'attempts restarted after a failure or a source that ended' }),
  streams: Type.Record(Type.String(), Type.Object({ lagMs: Type.Optional(Type.Number()) }, { additionalProperties: false }), {
    description: 'per stream: the lag at the last commit that covered records of that stream',
  }),
}, { additionalProperties: false, description: "a following job's live figures (a continuous connection)" });
const followOrNull = Type.Union([FollowStats, Type.Null()], {
  description: "a following job's figures (a continuous connection): refreshed with its live counts every ~2 s while it runs, kept once it ends; null for a job that does not follow",
});

const jobFields = {
  id: Type.Integer(),
  connectionId: Type.String(),
  connection: Type.Optional(Type.String({ description: "the connection's name" })),
  status: jobStatus,
  trigger: Type.String({ description: 'manual, schedule, api or retry' }),
  runner: Type.String({ description: 'host:pid of the process that runs it' }),
  createdAt: isoTime,
  heartbeatAt: isoTime,
  finishedAt: isoTimeOrNull,
  attempts: Type.Integer({ description: 'how many attempts the job has made (GET /jobs/{id} lists them in attemptHistory)' }),
  recordsEmitted: Type.Integer({ description: 'so far while the job runs (updated with each heartbeat), cumulative over its attempts' }),
  recordsCommitted: Type.Integer(),
  bytesCommitted: Type.Integer(),
  failureCode: stringOrNull(),
  failureMessage: stringOrNull(),
  cancelRequested: Type.Boolean(),
  follow: followOrNull,
};
export const Job = Type.Object(jobFields, { additionalProperties: false });

export const Connection = Type.Object({
  id: Type.String(),
  name: Type.String(),
  source: Type.String(),
  destination: Type.String(),
  streams: Type.Array(StreamSummary),
  namespace: stringOrNull(),
  streamPrefix: Type.String(),
  schedule: stringOrNull(),
  status: stringEnum(['active', 'inactive']),
  statusReason: stringOrNull(),
  schemaChangePolicy: stringEnum(SCHEMA_CHANGE_POLICIES),
  workerLabel: stringOrNull({ description: 'the label a worker must have to run its jobs (sluice worker --label); null: any worker' }),
  createdAt: isoTime,
  updatedAt: isoTime,
  nextRunAt: Type.Unsafe<string | null>({ type: ['string', 'null'], format: 'date-time', description: 'when its schedule next runs it; null without a schedule or while disabled' }),
  lastJob: Type.Union([Job, Type.Null()], { description: 'its newest job, or null' }),
  mappers: mappersShown,
}, { additionalProperties: false });

export const JobAttempt = Type.Object({
  jobId: Type.Integer(),
  number: Type.Integer(),
  status: jobStatus,
  startedAt: epochMs,
  finishedAt: epochMsOrNull,
  recordsEmitted: Type.Integer(),
  recordsCommitted: Type.Integer(),
  failureCode: stringOrNull(),
  failureMessage: stringOrNull(),
}, { additionalProperties: false });

const StreamStats = Type.Object({
  stream: Type.String(),
  recordsEmitted: Type.Integer(),
  bytesEmitted: Type.Integer(),
  recordsCommitted: Type.Integer(),
  bytesCommitted: Type.Integer(),
  // Optional: summaries stored before mappers existed have none.
  recordsFiltered: Type.Optional(Type.Integer({ description: "records a mapper's filter dropped" })),
  status: Type.Optional(Type.String()),
  rowEstimate: Type.Optional(Type.Integer()),
}, { additionalProperties: false });

export const SyncSummary = Type.Object({
  status: stringEnum(['succeeded', 'failed', 'cancelled']),
  attempts: Type.Integer(),
  durationMs: Type.Integer(),
  recordsEmitted: Type.Integer(),
  bytesEmitted: Type.Integer(),
  recordsCommitted: Type.Integer(),
  bytesCommitted: Type.Integer(),
  recordsWritten: Type.Integer(),
  recordsFiltered: Type.Optional(Type.Integer({ description: "records a mapper's filter dropped" })),
  statesEmitted: Type.Integer(),
  statesCommitted: Type.Integer(),
  malformedLines: Type.Integer(),
  recordsPerSecond: Type.Number(),
  megabytesPerSecond: Type.Number(),
  streams: Type.Array(StreamStats),
  warnings: Type.Array(Type.String()),
  failure: Type.Optional(Type.Object({
    code: Type.String(), message: Type.String(), connector: Type.Optional(Type.String()), failureType: Type.Optional(Type.String()),
  }, { additionalProperties: false })),
  runtimePeakRssBytes: Type.Integer(),
  stateFile: Type.Optional(Type.String()),
  follow: Type.Optional(FollowStats),
}, { additionalProperties: false });

/** One stream's numbers in a running job, cumulative over its attempts. */
const StreamProgress = Type.Object({
  name: Type.String(),
  recordsEmitted: Type.Integer(),
  bytesEmitted: Type.Integer(),
  recordsCommitted: Type.Integer(),
  bytesCommitted: Type.Integer(),
  recordsFiltered: Type.Optional(Type.Integer({ description: "records a mapper's filter dropped so far (among recordsEmitted); absent when none were" })),
  estimate: Type.Optional(Type.Integer({ description: "the source's estimate of the stream's records" })),
  status: Type.Optional(Type.String({ description: "the stream's status as the source last reported it" })),
}, { additionalProperties: false });

const progressFields = {
  streams: Type.Array(StreamProgress),
  recordsPerSecond: Type.Number({ description: 'records emitted per second since the job (or its first attempt) started' }),
};
export const Progress = Type.Object(progressFields, { additionalProperties: false, description: "a running job's live numbers" });

export const JobDetail = Type.Object({
  ...jobFields,
  attempts: Type.Integer({ description: 'how many attempts the job has made; the attempts themselves are in attemptHistory' }),
  attemptHistory: Type.Array(JobAttempt),
  summary: Type.Union([SyncSummary, Type.Null()], { description: "the job's numbers once it ends (all attempts); null while it runs" }),
  progress: Type.Optional(Progress),
}, { additionalProperties: false });

export const SyncStarted = Type.Union([
  Type.Object({ job: Job }, { additionalProperties: false }),
  Type.Object({ queued: Type.Integer({ description: 'position in the queue' }) }, { additionalProperties: false }),
]);

export const JobLogs = Type.Object({
  job: Type.Integer(),
  lines: Type.Array(Type.Unsafe<Record<string, unknown>>({ type: 'object', description: 'a pino JSON line (msg, level, time, …)' })),
}, { additionalProperties: false });

export const ConnectionState = Type.Object({
  connection: Type.String(),
  state: Type.Array(Type.Unsafe<Record<string, unknown>>({ type: 'object', description: 'an Airbyte STATE message, numbers exact' })),
}, { additionalProperties: false });

export const StateReset = Type.Object({ reset: Type.String({ description: 'the stream reset, or "all"' }) }, { additionalProperties: false });

const tokenFields = { id: Type.String(), name: Type.String(), createdAt: epochMs, lastUsedAt: epochMsOrNull };
export const Token = Type.Object(tokenFields, { additionalProperties: false });
export const CreatedToken = Type.Object({ ...tokenFields, token: Type.String({ description: 'the token: shown this once' }) }, { additionalProperties: false });

const webhookFields = { id: Type.String(), name: Type.String(), url: Type.String(), events: Type.Array(stringEnum(WEBHOOK_EVENTS)), createdAt: epochMs };
export const Webhook = Type.Object(webhookFields, { additionalProperties: false });
export const CreatedWebhook = Type.Object({ ...webhookFields, secret: Type.String({ description: 'the signing secret: shown this once' }) }, { additionalProperties: false });
export const WebhookList = Type.Object({ data: Type.Array(Webhook) }, { additionalProperties: false });

export const ApplyResult = Type.Object({
  dryRun: Type.Optional(Type.Literal(true)),
  changes: Type.Array(Type.Object({
    kind: stringEnum(['source', 'destination', 'connection']),
    name: Type.String(),
    action: stringEnum(['created', 'updated', 'unchanged']),
    fields: Type.Optional(Type.Array(Type.String(), { description: 'for an update, the names of the fields that differ' })),
  }, { additionalProperties: false })),
}, { additionalProperties: false });

/** The events of GET /jobs/{id}/events, one JSON object per `data:` line. */
export const JobProgress = Type.Object({
  job: Type.Integer(),
  status: jobStatus,
  recordsEmitted: Type.Integer(),
  recordsCommitted: Type.Integer(),
  ...progressFields,
  follow: followOrNull,
}, { additionalProperties: false });

export const NoContent = Type.Null({ description: 'No content' });

/** The error answers every route may give, besides its own success. */
export function withErrors(success: Record<number, TSchema>): Record<string, TSchema> {
  return { ...success, '4xx': ErrorBody, '5xx': ErrorBody };
}
