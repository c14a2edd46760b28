// Owns a whole sync: validate both configs against their specs, settle the configured catalog against what the
// source discovers, load the state, then run attempts, retrying transient failures from the last committed
// state with exponential backoff, and return the summary.
import type { ConfiguredAirbyteCatalog } from '../../protocol/types.generated.js';
import { describeStream } from '../../protocol/state.js';
import { SluiceError, isSluiceError, describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import { buildConfiguredCatalog, checkConfiguredCatalog, checkDestinationModes, type CatalogChoice } from './configured-catalog.js';
import { loadStateFile } from './commit/state-file.js';
import type { StateStore } from './commit/state-store.js';
import { SyncStats, type SyncSummary } from './sync-stats.js';
import { runSyncAttempt, type SyncSide } from './sync-attempt.js';
import type { ValidationMode } from './record-validator.js';
import { isIdentityMapping, mapCatalog, type StreamMapping } from './stream-mapping.js';

export interface SyncOptions {
  source: SyncSide;
  destination: SyncSide;
  /** A configured catalog from a file, checked against discover; otherwise built from `choice`. */
  catalog?: ConfiguredAirbyteCatalog;
  choice?: CatalogChoice;
  /** The state file: read at the start, rewritten at each commit. */
  statePath?: string;
  /** Or a state kept elsewhere (the control plane's database); it wins over statePath. */
  stateStore?: StateStore;
  validate?: ValidationMode;
  /** Where the streams land in the destination: a name prefix and a namespace (a stored connection's). */
  streamMapping?: StreamMapping;
  sourceIdleTimeoutMs?: number;
  destinationIdleTimeoutMs?: number;
  /** Attempts in all (1 = no retry). */
  attempts?: number;
  backoffMs?: number;
  maxLineBytes?: number;
  signal?: AbortSignal;
  logger: Logger;
  /** Called once the sync has started moving data, with its live stats (for a progress line). */
  onStarted?: (stats: SyncStats) => void;
}

export interface SyncOutcome {
  summary: SyncSummary;
  /** The failure, when the sync did not succeed. */
  error?: unknown;
}

export async function runSync(options: SyncOptions): Promise<SyncOutcome> {
  const { source, destination, logger } = options;
  // The two connectors' set-up runs side by side: the source's spec then discover, the destination's spec.
  const [discovered, destinationSpec] = await Promise.all([
    source.client.discover(source.config, source.configPath ?? 'source config'),
    destination.client
      .prepareConfig(destination.config, destination.configPath ?? 'destination config')
      .then(() => destination.client.spec()),
  ]);
  const catalog = options.catalog ?? buildConfiguredCatalog(discovered, options.choice);
  if (options.catalog) checkConfiguredCatalog(catalog, discovered);
  checkDestinationModes(catalog, destinationSpec.supported_destination_sync_modes, destination.client.name);
  if (!isIdentityMapping(options.streamMapping)) mapCatalog(catalog, options.streamMapping!);
  const stateFile = options.stateStore ?? (await loadStateFile(options.statePath));
  const stats = new SyncStats(catalog.streams.map((configured) => keyForStats(catalog, configured.stream)));
  logger.info(
    { streams: catalog.streams.map((s) => `${describeStream(s.stream)} (${s.sync_mode} ${s.destination_sync_mode})`), state: stateFile.state.kind },
    `sync ${source.client.name} → ${destination.client.name}`,
  );
  options.onStarted?.(stats);

  const attempts = Math.max(1, options.attempts ?? 1);
  let attempt = 0;
  for (;;) {
    attempt++;
    try {
      const { interrupted } = await runSyncAttempt({
        source,
        destination,
        catalog,
        stateFile,
        stats,
        validate: options.validate ?? 'off',
        streamMapping: options.streamMapping,
        sourceIdleTimeoutMs: options.sourceIdleTimeoutMs,
        destinationIdleTimeoutMs: options.destinationIdleTimeoutMs,
        maxLineBytes: options.maxLineBytes,
        signal: options.signal,
      });
      if (interrupted) {
        const error = new SluiceError('sync.interrupted', 'the sync was interrupted; what the destination acknowledged is committed', { exitCode: 130 });
        return { summary: withState(stats.summary('cancelled', attempt), options, error, stateFile), error };
      }
      return { summary: withState(stats.summary('succeeded', attempt), options, undefined, stateFile) };
    } catch (error) {
      if (options.signal?.aborted) {
        return { summary: withState(stats.summary('cancelled', attempt), options, error, stateFile), error };
      }
      if (attempt >= attempts || !isRetryable(error)) {
        return { summary: withState(stats.summary('failed', attempt), options, error, stateFile), error };
      }
      const delay = (options.backoffMs ?? 1000) * 2 ** (attempt - 1);
      logger.warn({ attempt, delayMs: delay }, `attempt ${attempt} failed (${describeError(error)}); retrying from the last committed state`);
      await sleep(delay, options.signal);
    }
  }
}

/** Transient failures are worth another attempt; configuration and data problems are not. */
function isRetryable(error: unknown): boolean {
  return isSluiceError(error) && error.failureType === 'transient_error';
}

function keyForStats(catalog: ConfiguredAirbyteCatalog, stream: { name: string; namespace?: string }): string {
  const duplicates = catalog.streams.filter((configured) => configured.stream.name === stream.name).length > 1;
  return duplicates ? describeStream(stream) : stream.name;
}

function withState(summary: SyncSummary, options: SyncOptions, error: unknown, store: StateStore): SyncSummary {
  if (options.statePath && !options.stateStore) summary.stateFile = options.statePath;
  else if (store.location) summary.stateFile = store.location;
  if (error !== undefined) {
    const failure: SyncSummary['failure'] = {
      code: isSluiceError(error) ? error.code : 'internal.unexpected',
      message: error instanceof Error ? error.message : String(error),
    };
    if (isSluiceError(error) && error.failureType) failure.failureType = error.failureType;
    summary.failure = failure;
  }
  return summary;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
