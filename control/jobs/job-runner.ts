// Owns running one job of a connection: the job row is inserted running (one per connection, enforced by the
// database), its log goes to the store, a heartbeat shows the runner is alive and picks up cancellation
// requested by another process, the schema is compared with the stored catalog (the one discover of the job), and
// runSync runs the attempts from the state stored for the connection (its retry rule: runtime/sync/retry.ts).
// Each attempt, the job's running totals, its failure and summary are recorded. The job of an active continuous
// connection FOLLOWS the source (runSync's `follow`: it runs until cancelled, its attempts restarting inside runSync),
// and its follow figures are written with its live counts at each heartbeat (so at most every ~2 s, one row update:
// a job that runs for days writes no more than one that runs for minutes, and holds nothing that grows).
import { hostname } from 'node:os';
import type { DestinationStream } from 'pino';
import { SluiceError, isSluiceError, describeError } from '../../runtime/errors.js';
import type { LogLevel } from '../../runtime/logger.js';
import type { Store } from '../store/open-store.js';
import type { Actor, Connection, Job } from '../store/records.js';
import { loadConnectionState } from '../store/connection-state-store.js';
import { runSync } from '../../runtime/sync/run-sync.js';
import type { SyncSide } from '../../runtime/sync/sync-attempt.js';
import type { ConnectorClient } from '../../runtime/connector-client.js';
import type { SyncStats, SyncSummary } from '../../runtime/sync/sync-stats.js';
import { findActor } from '../services/actor-service.js';
import { clientFor } from '../services/clients.js';
import { createJobLogger } from '../services/job-log.js';
import { combineRedactors, noRedaction, SecretMask, secretValues, type Redactor } from '../../runtime/secrets.js';
import { mapperSecretValues } from '../../runtime/mappers/index.js';
import { applySchemaPolicy, type SchemaChangeReport } from '../services/schema-changes.js';
import { followFigures, liveCounts } from '../services/job-progress.js';
import { isContinuous } from './schedule.js';
import type { FollowStats } from '../../runtime/sync/sync-stats.js';
import { commitIntervalFromEnv } from '../../runtime/sync/follow/commit-interval.js';

export interface JobOptions {
  store: Store;
  connection: Connection;
  trigger: string;
  /** Attempts in all (default 3). */
  attempts?: number;
  /** Wait before the first retry, doubled each time (default 2 s). */
  backoffMs?: number;
  heartbeatMs?: number;
  signal?: AbortSignal;
  logLevel?: LogLevel;
  /** Also write the job's log lines here (the CLI's stderr). */
  echo?: DestinationStream;
  onJob?: (job: Job) => void;
  onStarted?: (stats: SyncStats) => void;
  /** Called once the job has ended, with what happened (notifications). */
  onFinished?: (event: JobEvent) => void;
  onSchemaChange?: (connection: Connection, report: SchemaChangeReport, job: Job) => void;
  /** Who runs it (default this process, host:pid) and the queue's run it belongs to (a worker's job). */
  runner?: string;
  queueJobId?: string;
}

export interface JobEvent {
  job: Job;
  connection: Connection;
  summary: SyncSummary;
}

export interface JobOutcome {
  job: Job;
  summary: SyncSummary;
  error?: unknown;
  /** Whether this runner recorded the job's end; false when it had been ended elsewhere (taken over). */
  recorded: boolean;
}

export const runnerId = (): string => `${hostname()}:${process.pid}`;

export async function runJob(options: JobOptions): Promise<JobOutcome> {
  const { store, connection } = options;
  const started = await store.jobs.start(connection, options.trigger, options.runner ?? runnerId(), options.queueJobId);
  let jobLog: ReturnType<typeof createJobLogger>;
  try {
    jobLog = createJobLogger(store.jobLogs, { level: options.logLevel, echo: options.echo, jobId: started.id, connection: connection.name });
  } catch (error) {
    // The row exists: it must not stay running.
    await finishJob(store, started.id, 'failed', failureOf(error, false, noRedaction), undefined);
    throw error;
  }
  // Only an active connection follows: a run by hand of a disabled continuous connection is one batch.
  const follows = connection.status === 'active' && isContinuous(connection.schedule);
  // Recorded at once, so the job shows it follows (and the scheduler can tell) before the sync has any figures.
  if (follows) await store.jobs.updateFollow(started.id, NO_FOLLOW_FIGURES).catch(() => undefined);
  options.onJob?.(started);
  const { logger, close, maskSecrets } = jobLog;
  const cancel = new AbortController();
  // Whether the cancellation is its connection stopping to follow (not a user's cancel): recorded as such.
  let stopFollowing = false;
  const onOuterAbort = (): void => {
    if (options.signal?.reason === STOP_FOLLOWING) stopFollowing = true;
    cancel.abort();
  };
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (options.signal?.aborted) onOuterAbort();
  // The sync's live numbers, once it has started: written to the job's row with each heartbeat, so that every
  // process sharing the database (`sluice jobs`, another server's API) sees them while the job runs.
  let stats: SyncStats | undefined;
  const recordLive = async (): Promise<void> => {
    if (stats) await store.jobs.updateLive(started.id, liveCounts(stats), stats.follow && followFigures(stats.follow));
  };
  const heartbeat = setInterval(() => {
    recordLive().catch((error: unknown) => logger.warn(`recording the job's live numbers failed: ${describeError(error)}`));
    store.jobs.heartbeat(started.id).then(
      (verdict) => {
        if (verdict === 'run' || cancel.signal.aborted) return;
        if (verdict === 'stop_following') stopFollowing = true;
        logger.warn(verdict === 'cancel' ? 'cancellation requested'
          : verdict === 'stop_following' ? `connection ${connection.name} was disabled or is no longer continuous: stopping`
            : `job ${started.id} was ended elsewhere (its heartbeat was stale): stopping`);
        cancel.abort();
      },
      (error: unknown) => logger.warn(`heartbeat failed: ${describeError(error)}`),
    );
  }, options.heartbeatMs ?? Number(process.env['SLUICE_HEARTBEAT_MS'] ?? 2000));
  heartbeat.unref();

  const totals = { attempts: 0, recordsEmitted: 0, recordsCommitted: 0, bytesCommitted: 0 };
  let summary: SyncSummary | undefined;
  let error: unknown;
  /** Warnings from before the sync (a schema change's), for the summary. */
  const warnings: string[] = [];
  let redact: Redactor = noRedaction;
  try {
    logger.info({ trigger: options.trigger, runner: started.runner }, `job ${started.id} started for connection ${connection.name}`);
    const source = await findActor(store, 'source', connection.sourceId);
    const destination = await findActor(store, 'destination', connection.destinationId);
    // The connection's mapper salts and keys are masked in the job log and failures like the connectors' secrets.
    const stored = new SecretMask([
      ...secretValues(source.config, source.secretPaths), ...secretValues(destination.config, destination.secretPaths), ...mapperSecretValues(connection.mappers),
    ]);
    redact = stored.redact;
    maskSecrets(redact);
    const sourceClient = await clientFor(source.connector, { logger, signal: cancel.signal });
    const destinationClient = await clientFor(destination.connector, { logger });
    // The clients' masks grow when a connector rotates a secret (CONTROL); the log and the failure follow them.
    redact = combineRedactors(stored.redact, sourceClient.redact, destinationClient.redact);
    maskSecrets(redact);
    const sourceSide = storedSide(store, source, sourceClient);
    const destinationSide = storedSide(store, destination, destinationClient);
    let current = connection;
    const report = await applySchemaPolicy(store, current, sourceClient, source.config, started.id, logger);
    if (report.changed) {
      options.onSchemaChange?.(current, report, (await store.jobs.byId(started.id))!);
      current = report.connection;
      warnings.push(...report.warnings);
      if (report.paused) throw new SluiceError('schema.changed', `the source's schema changed (${report.text}); connection ${connection.name} is paused by its schema change policy`, {
        hint: `review it, then: sluice connection update ${connection.name} --refresh-catalog && sluice connection enable ${connection.name}`,
      });
    }
    const outcome = await runSync({
      source: sourceSide,
      destination: destinationSide,
      catalog: current.catalog,
      discovered: report.discovered,
      ...(current.mappers ? { mappers: current.mappers } : {}),
      stateStore: await loadConnectionState(store.state, current, started.id),
      streamMapping: { prefix: current.streamPrefix, namespace: current.namespace },
      attempts: options.attempts ?? 3,
      backoffMs: options.backoffMs ?? 2000,
      signal: cancel.signal,
      logger,
      ...(follows ? { follow: followOptions() } : {}),
      sourceIdleTimeoutMs: 3_600_000,
      destinationIdleTimeoutMs: 3_600_000,
      onStarted: (live) => {
        stats = live;
        options.onStarted?.(live);
      },
      onAttemptStart: (number) => store.jobs.startAttempt(started.id, number),
      onAttemptEnd: async (number, attempt) => {
        totals.attempts = number;
        totals.recordsEmitted += attempt.recordsEmitted;
        totals.recordsCommitted += attempt.recordsCommitted;
        totals.bytesCommitted += attempt.bytesCommitted;
        await store.jobs.finishAttempt(started.id, number, {
          status: attempt.status,
          recordsEmitted: attempt.recordsEmitted,
          recordsCommitted: attempt.recordsCommitted,
          failure: attempt.failure && { ...attempt.failure, message: redact(attempt.failure.message) },
        });
        await store.jobs.updateTotals(started.id, totals);
      },
    });
    summary = outcome.summary;
    error = outcome.error;
    // The per-stream counts stay on the job once it ends.
    await recordLive().catch((caught: unknown) => logger.warn(`recording the job's numbers failed: ${describeError(caught)}`));
  } catch (caught) {
    error = caught;
  } finally {
    clearInterval(heartbeat);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }

  // A following sync ends only when stopped: cancelled, whether runSync reports it as an error or as its status.
  const cancelled = cancel.signal.aborted && (error !== undefined || summary?.status === 'cancelled');
  const status = cancelled ? 'cancelled' : error === undefined ? 'succeeded' : 'failed';
  summary ??= emptySummary(status);
  summary.status = status;
  summary.warnings = [...warnings, ...summary.warnings];
  summary.attempts = totals.attempts;
  const failure = status === 'succeeded' ? undefined : stopFollowing && cancelled ? stoppedFollowing(connection.name) : failureOf(error, cancelled, redact);
  if (failure) summary.failure = { ...summary.failure, ...failure };
  if (status === 'succeeded') logger.info({ records: totals.recordsCommitted }, `job ${started.id} succeeded`);
  // The failure goes into the job's stored log; the caller reports the returned error (the CLI's one error line, the
  // API's job row), so echoing it here too printed it twice.
  else jobLog.storedLogger.error({ code: failure?.code }, `job ${started.id} ${status}: ${failure?.message}`);
  // The whole log is stored before the job is recorded as ended: a reader that sees it ended reads all of it.
  await close();
  const recorded = await finishJob(store, started.id, status, failure, summary);
  const job = (await store.jobs.byId(started.id))!;
  if (recorded) options.onFinished?.({ job, connection, summary });
  return { job, summary, recorded, ...(error === undefined ? {} : { error }) };
}

const NO_FOLLOW_FIGURES: FollowStats = { changesPerSecond: 0, restarts: 0, streams: {} };

/**
 * A following job's options: the destination's commit interval from SLUICE_COMMIT_INTERVAL_MS (the server's or
 * worker's setting, checked when it starts), else the runtime's default.
 */
export function followOptions(env: NodeJS.ProcessEnv = process.env): { commitIntervalMs?: number } {
  const commitIntervalMs = commitIntervalFromEnv(env);
  return commitIntervalMs === undefined ? {} : { commitIntervalMs };
}

/**
 * Records the job's end, trying again when the database is briefly unreachable: a job left running with no runner
 * would block its connection until a server recovers it.
 */
async function finishJob(store: Store, id: number, status: Exclude<Job['status'], 'running'>, failure: { code: string; message: string } | undefined, summary: SyncSummary | undefined): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.jobs.finish(id, status, failure, summary);
    } catch (error) {
      if (attempt >= 4) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
    }
  }
}

/** The abort reason of a scheduler's cancel because the job's connection no longer follows (Scheduler.cancel). */
export const STOP_FOLLOWING = 'stop_following';

/** The end of a following job whose connection was disabled or left continuous: cancelled, and said so. */
export function stoppedFollowing(connectionName: string): { code: string; message: string } {
  return { code: 'job.stopped_following', message: `connection ${connectionName} was disabled or is no longer continuous; what the destination acknowledged is committed` };
}

function failureOf(error: unknown, cancelled: boolean, redact: Redactor): { code: string; message: string } {
  if (cancelled) return { code: 'job.cancelled', message: 'the job was cancelled; what the destination acknowledged is committed' };
  const code = isSluiceError(error) ? error.code : 'internal.unexpected';
  const message = error instanceof Error ? error.message : String(error);
  return { code, message: redact(message) };
}

/**
 * One side of the sync for a stored actor: a CONTROL config update (a refreshed token) replaces the stored config,
 * its secrets encrypted like the rest, and the job's next attempt uses it.
 */
function storedSide(store: Store, actor: Actor, client: ConnectorClient): SyncSide {
  const side: SyncSide = {
    client,
    config: actor.config,
    onConfigUpdate: async (config) => {
      const current = (await store.actors.byId(actor.id)) ?? actor;
      await store.actors.update(current, { name: current.name, connector: current.connector, config, secretPaths: current.secretPaths });
      side.config = config;
    },
  };
  return side;
}

function emptySummary(status: SyncSummary['status']): SyncSummary {
  return {
    status, attempts: 0, durationMs: 0, recordsEmitted: 0, bytesEmitted: 0, recordsCommitted: 0, bytesCommitted: 0, recordsWritten: 0, recordsFiltered: 0,
    statesEmitted: 0, statesCommitted: 0, malformedLines: 0, recordsPerSecond: 0, megabytesPerSecond: 0, streams: [], warnings: [],
    runtimePeakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}
