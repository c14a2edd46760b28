// Owns a whole sync: validate both configs against their specs, settle the configured catalog against what the
// source discovers (or what the caller already discovered; a catalog file needs no discover), plan the connection's mappers against it (a bad mapper
// fails here, before any data moves), load the state, then run the attempts through the
// retry loop (retry.ts), each from the last committed state, reporting each attempt's own counts to the caller's
// hooks, and return the summary. A following sync (`follow`) runs its attempts through follow/follow-loop.ts instead:
// unbounded, until cancelled, with its live figures on stats.follow (follow/follow-figures.ts).
import type { AirbyteCatalog, ConfiguredAirbyteCatalog } from '../../protocol/types.generated.js';
import { describeStream } from '../../protocol/state.js';
import { SluiceError, isSluiceError } from '../errors.js';
import type { Logger } from '../logger.js';
import { buildConfiguredCatalog, checkConfiguredCatalog, checkDestinationModes, type CatalogChoice } from './configured-catalog.js';
import { runAttempts } from './retry.js';
import { loadStateFile } from './commit/state-file.js';
import type { StateStore } from './commit/state-store.js';
import { SyncStats, type SyncSummary } from './sync-stats.js';
import { runSyncAttempt, type SyncSide } from './sync-attempt.js';
import type { ValidationMode } from './record-validator.js';
import { isIdentityMapping, mapCatalog, type StreamMapping } from './stream-mapping.js';
import { planMappers, type MappersDefinition } from '../mappers/index.js';
import { FollowFigures } from './follow/follow-figures.js';
import { runFollowAttempts } from './follow/follow-loop.js';

/** A following destination's commit interval when the caller gives none. */
export const DEFAULT_COMMIT_INTERVAL_MS = 1000;

export interface SyncOptions {
  source: SyncSide;
  destination: SyncSide;
  /**
   * A configured catalog from a file, checked against `discovered` when given, else against the streams it declares
   * (the source is not asked to discover); otherwise the catalog is built from `choice` and what the source discovers.
   */
  catalog?: ConfiguredAirbyteCatalog;
  choice?: CatalogChoice;
  /** The state file: read at the start, rewritten at each commit. */
  statePath?: string;
  /** Or a state kept elsewhere (the control plane's database); it wins over statePath. */
  stateStore?: StateStore;
  validate?: ValidationMode;
  /** Where the streams land in the destination: a name prefix and a namespace (a stored connection's). */
  streamMapping?: StreamMapping;
  /** Per stream, steps applied to each RECORD between source and destination (runtime/mappers). */
  mappers?: MappersDefinition;
  sourceIdleTimeoutMs?: number;
  destinationIdleTimeoutMs?: number;
  /** Attempts in all (1 = no retry; default 1); which failures are retried is retry.ts's rule. */
  attempts?: number;
  /** Wait before the first retry, doubled each time (default 1 s). */
  backoffMs?: number;
  /** The source's catalog, when the caller has just discovered it: the sync then does not discover again. */
  discovered?: AirbyteCatalog;
  maxLineBytes?: number;
  signal?: AbortSignal;
  logger: Logger;
  /**
   * When the sync started, for its duration and records/s (default: when runSync was called). `sluice sync` passes
   * its process's start, so a summary counts the whole command.
   */
  startedAt?: number;
  /**
   * Follow the source instead of reading once: the sync runs until cancelled, restarting from the last committed
   * state after a failure or a source that ended (docs/decisions, continuous replication).
   */
  follow?: FollowOptions;
  /** Called once the sync has started moving data, with its live stats (for a progress line). */
  onStarted?: (stats: SyncStats) => void;
  /** Called before each attempt (1-based); a rejection ends the sync with it. */
  onAttemptStart?: (attempt: number) => Promise<void> | void;
  /** Called after each attempt with that attempt's own numbers (not the sync's running totals). */
  onAttemptEnd?: (attempt: number, result: AttemptReport) => Promise<void> | void;
}

export interface FollowOptions {
  /** How long a destination may hold a received STATE before committing it (default 1000 ms). */
  commitIntervalMs?: number;
}

export interface AttemptReport {
  status: SyncSummary['status'];
  recordsEmitted: number;
  recordsCommitted: number;
  bytesCommitted: number;
  failure?: SyncSummary['failure'];
}

export interface SyncOutcome {
  summary: SyncSummary;
  /** The failure, when the sync did not succeed. */
  error?: unknown;
}

export async function runSync(options: SyncOptions): Promise<SyncOutcome> {
  const { source, destination, logger } = options;
  const startedAt = options.startedAt ?? Date.now();
  // A catalog given up front is checked against the mappers before any connector runs.
  if (options.catalog && options.mappers) planMappers(options.catalog, options.mappers);
  // The two connectors' set-up runs side by side: the source's spec and config check, then discover only when the
  // sync needs it to build the catalog (no catalog given) and the caller has not just discovered (a job's schema
  // check); the destination's spec and config check.
  const sourceConfigLabel = source.configPath ?? 'source config';
  const [discovered, destinationSpec] = await Promise.all([
    discoveredFor(options, sourceConfigLabel),
    destination.client
      .prepareConfig(destination.config, destination.configPath ?? 'destination config')
      .then(() => destination.client.spec()),
  ]);
  const catalog = options.catalog ?? buildConfiguredCatalog(discovered!, options.choice);
  // A catalog file is checked against what the source offers when that is known, else against the streams it
  // declares itself (modes, cursor, primary key); a stream the source does not have is then refused by the source.
  if (options.catalog) checkConfiguredCatalog(catalog, discovered ?? { streams: catalog.streams.map((configured) => configured.stream) });
  checkDestinationModes(catalog, destinationSpec.supported_destination_sync_modes, destination.client.name);
  const mappers = options.mappers ? planMappers(catalog, options.mappers) : undefined;
  if (!isIdentityMapping(options.streamMapping)) mapCatalog(mappers?.catalog ?? catalog, options.streamMapping!);
  const stateFile = options.stateStore ?? (await loadStateFile(options.statePath));
  const stats = new SyncStats(catalog.streams.map((configured) => keyForStats(catalog, configured.stream)), startedAt);
  logger.info(
    { streams: catalog.streams.map((s) => `${describeStream(s.stream)} (${s.sync_mode} ${s.destination_sync_mode})`), state: stateFile.state.kind },
    `sync ${source.client.name} → ${destination.client.name}`,
  );
  const figures = options.follow ? new FollowFigures() : undefined;
  if (figures) stats.follow = figures.stats;
  const follow = figures && { commitIntervalMs: options.follow!.commitIntervalMs ?? DEFAULT_COMMIT_INTERVAL_MS, figures };
  options.onStarted?.(stats);

  /** One run of the source into the destination; resolves with its failure (undefined when it went well). */
  const runOnce = async (): Promise<unknown> => {
    try {
      const { interrupted } = await runSyncAttempt({
        source,
        destination,
        catalog,
        stateFile,
        stats,
        validate: options.validate ?? 'off',
        streamMapping: options.streamMapping,
        mappers,
        sourceIdleTimeoutMs: options.sourceIdleTimeoutMs,
        destinationIdleTimeoutMs: options.destinationIdleTimeoutMs,
        maxLineBytes: options.maxLineBytes,
        signal: options.signal,
        follow,
      });
      if (interrupted) return new SluiceError('sync.interrupted', 'the sync was interrupted; what the destination acknowledged is committed', { exitCode: 130 });
      return undefined;
    } catch (caught) {
      return caught;
    }
  };
  /** Reports the end of attempt `number`, with its own numbers since `before`. */
  const endAttempt = async (number: number, before: ReturnType<typeof countsOf>, error: unknown): Promise<void> => {
    const after = countsOf(stats);
    await options.onAttemptEnd?.(number, {
      status: statusOf(error, options.signal),
      recordsEmitted: after.recordsEmitted - before.recordsEmitted,
      recordsCommitted: after.recordsCommitted - before.recordsCommitted,
      bytesCommitted: after.bytesCommitted - before.bytesCommitted,
      ...(error === undefined ? {} : { failure: failureOf(error) }),
    });
  };
  const policy = { attempts: options.attempts ?? 1, backoffMs: options.backoffMs ?? 1000 };
  let outcome: { attempts: number; error?: unknown };
  if (figures) {
    // Following, an attempt ends only when a run fails (or the sync ends): the runs of a source that ends by itself
    // (back-to-back batches) continue the same attempt, so a job does not gain an attempt row every few seconds.
    let open: { number: number; before: ReturnType<typeof countsOf> } | undefined;
    let attempts = 0;
    const followAttempt = async (): Promise<{ error?: unknown; committed: boolean }> => {
      if (!open) {
        attempts++;
        await options.onAttemptStart?.(attempts);
        open = { number: attempts, before: countsOf(stats) };
      }
      const committedBefore = stats.statesCommitted;
      const error = await runOnce();
      if (error !== undefined) {
        const ended = open;
        open = undefined;
        await endAttempt(ended.number, ended.before, error);
      }
      return { error, committed: stats.statesCommitted > committedBefore };
    };
    try {
      const { error } = await runFollowAttempts(policy.backoffMs, followAttempt, { logger, signal: options.signal, onRestart: () => figures.restarted() });
      // Cancelled while waiting to run the source again: the attempt under way ends with the sync.
      if (open) await endAttempt(open.number, open.before, error);
      outcome = { attempts: Math.max(1, attempts), error };
    } finally {
      figures.stop();
    }
  } else {
    const attempt = async (number: number): Promise<unknown> => {
      await options.onAttemptStart?.(number);
      const before = countsOf(stats);
      const error = await runOnce();
      await endAttempt(number, before, error);
      return error;
    };
    outcome = await runAttempts(policy, attempt, { logger, signal: options.signal });
  }
  const { attempts, error } = outcome;
  figures?.snapshot();
  const summary = withState(stats.summary(statusOf(error, options.signal), attempts), options, error, stateFile);
  return error === undefined ? { summary } : { summary, error };
}

/** What the source offers, when the sync needs it: discovered now unless the caller has, or not at all with a catalog. */
async function discoveredFor(options: SyncOptions, label: string): Promise<AirbyteCatalog | undefined> {
  const { source } = options;
  if (options.discovered) {
    await source.client.prepareConfig(source.config, label);
    return options.discovered;
  }
  if (options.catalog) {
    await source.client.prepareConfig(source.config, label);
    return undefined;
  }
  return source.client.discover(source.config, label);
}

function statusOf(error: unknown, signal: AbortSignal | undefined): SyncSummary['status'] {
  if (error === undefined) return 'succeeded';
  return signal?.aborted ? 'cancelled' : 'failed';
}

/** The sync's running totals so far (SyncStats spans all attempts): an attempt's own numbers are the difference. */
function countsOf(stats: SyncStats): { recordsEmitted: number; recordsCommitted: number; bytesCommitted: number } {
  let recordsCommitted = 0;
  let bytesCommitted = 0;
  for (const stream of stats.streams.values()) {
    recordsCommitted += stream.recordsCommitted;
    bytesCommitted += stream.bytesCommitted;
  }
  return { recordsEmitted: stats.recordsEmitted, recordsCommitted, bytesCommitted };
}

function keyForStats(catalog: ConfiguredAirbyteCatalog, stream: { name: string; namespace?: string }): string {
  const duplicates = catalog.streams.filter((configured) => configured.stream.name === stream.name).length > 1;
  return duplicates ? describeStream(stream) : stream.name;
}

function withState(summary: SyncSummary, options: SyncOptions, error: unknown, store: StateStore): SyncSummary {
  if (options.statePath && !options.stateStore) summary.stateFile = options.statePath;
  else if (store.location) summary.stateFile = store.location;
  if (error !== undefined) summary.failure = failureOf(error);
  return summary;
}

function failureOf(error: unknown): NonNullable<SyncSummary['failure']> {
  const failure: SyncSummary['failure'] = {
    code: isSluiceError(error) ? error.code : 'internal.unexpected',
    message: error instanceof Error ? error.message : String(error),
  };
  if (isSluiceError(error) && error.failureType) failure.failureType = error.failureType;
  return failure;
}
