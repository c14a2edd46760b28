// Owns one attempt of a sync: start the destination, then the source; relay the source's RECORD and STATE lines
// to the destination (original bytes, with backpressure); hand the source's states and the destination's echoes to
// the commit path (commit/commit-path.ts), which makes every commit decision; pass the records of streams with
// mappers through them (runtime/mappers; the others keep the raw relay); watch for a silent source or a stuck
// destination; and, whatever fails, give the destination end of input so it can commit what it received before the
// attempt ends. A following attempt (follow/) also starts the source with SLUICE_FOLLOW=1 and a stdin pipe, the
// destination with SLUICE_COMMIT_INTERVAL_MS, and writes each persisted commit's source line back to the source.
import type { ConfiguredAirbyteCatalog, AirbyteMessage } from '../../protocol/types.generated.js';
import type { RecordFacts } from '../../protocol/envelope.js';
import { describeStream } from '../../protocol/state.js';
import { messageProblem } from '../../protocol/message-checks.js';
import { LineTooLongError } from '../../protocol/line-splitter.js';
import { relayLines, type LineRouter } from '../relay.js';
import { WritableClosedError } from '../backpressure.js';
import { SluiceError, isSluiceError } from '../errors.js';
import type { ConnectorClient, StartedConnector } from '../connector-client.js';
import { CommitPath, scopeOfCommit } from './commit/commit-path.js';
import type { StreamCounts } from './commit/ledger.js';
import type { StateStore } from './commit/state-store.js';
import type { StreamStats, SyncStats } from './sync-stats.js';
import { RecordValidator, type ValidationMode } from './record-validator.js';
import { persistConfigUpdate } from './config-update.js';
import { isIdentityMapping, mapCatalog, mapDescriptor, mappedRecordLine, mappedStateLine, sourceNamesOf, type StreamMapping } from './stream-mapping.js';
import { DROPPED, type MapperPlan, type MapResult, type StreamMapper } from '../mappers/index.js';
import { sendStreamsComplete } from '../stream-completion.js';
import { Watchdog } from './watchdog.js';
import { DestinationDeadline } from './destination-deadline.js';
import { StateFeedback } from './follow/state-feedback.js';
import type { FollowFigures } from './follow/follow-figures.js';

export interface SyncSide {
  client: ConnectorClient;
  config: unknown;
  /** The file the config came from, where a CONTROL config update is written back. */
  configPath?: string;
  /** Keeps a CONTROL config update when the config did not come from a file (a stored actor). */
  onConfigUpdate?: (config: unknown) => Promise<void>;
}

export interface AttemptRequest {
  source: SyncSide;
  destination: SyncSide;
  catalog: ConfiguredAirbyteCatalog;
  stateFile: StateStore;
  stats: SyncStats;
  validate: ValidationMode;
  /** Fail when the source sends nothing for this long while the destination is keeping up. */
  sourceIdleTimeoutMs?: number;
  /** Fail when the destination takes no input for this long. */
  destinationIdleTimeoutMs?: number;
  maxLineBytes?: number;
  /** Where the streams land in the destination (prefix, namespace); records pass unchanged without one. */
  streamMapping?: StreamMapping;
  /** The connection's mappers, planned against `catalog`: the destination gets their catalog, mapped records. */
  mappers?: MapperPlan;
  /** Aborting stops the source only: the destination finishes and commits what it received. */
  signal?: AbortSignal;
  /** A following attempt: the destination's commit interval, and the figures each persisted commit updates. */
  follow?: { commitIntervalMs: number; figures: FollowFigures };
}

/** The variables that tell connectors a sync follows (docs: the FOLLOW contract). */
export const FOLLOW_ENV = 'SLUICE_FOLLOW';
export const COMMIT_INTERVAL_ENV = 'SLUICE_COMMIT_INTERVAL_MS';

/** How long a committed state's write to the source may stay failed before the source is taken as broken. */
const FEEDBACK_FAILURE_GRACE_MS = 2_000;

export interface AttemptResult {
  interrupted: boolean;
}

export async function runSyncAttempt(request: AttemptRequest): Promise<AttemptResult> {
  const { source, destination, catalog, stateFile, stats } = request;
  const follow = request.follow;
  // Set once the source runs; a commit persisted before that has no line to feed back (none can be).
  let feedback: StateFeedback | undefined;
  const commits = new CommitPath(stateFile, stats, destination.client.name, follow && ((commit) => {
    follow.figures.committed(commit);
    if (commit.attached) feedback?.send(commit.attached.line, scopeOfCommit(commit));
  }));
  const counting = countingKeys(catalog);
  const validator = new RecordValidator(request.validate, catalog, (message) => stats.warn(message));
  const sideWork: Promise<unknown>[] = [];
  let failure: unknown;
  const fail = (error: unknown): void => {
    failure ??= error;
  };

  const mapping = isIdentityMapping(request.streamMapping) ? undefined : request.streamMapping;
  // The mappers' catalog (mapped schemas, keys) first, then where the streams land (names): the two compose.
  const destinationCatalog = request.mappers?.catalog ?? catalog;
  const writer = await destination.client.startWrite(
    { config: destination.config, catalog: mapping ? mapCatalog(destinationCatalog, mapping) : destinationCatalog },
    follow ? { env: { [COMMIT_INTERVAL_ENV]: String(follow.commitIntervalMs) } } : {},
  );
  // The destination echoes states in its stream names; the commit path matches and commits them in the source's.
  const sourceNames = mapping ? sourceNamesOf(catalog, mapping) : undefined;
  let reader: StartedConnector;
  try {
    reader = await source.client.startRead(
      { config: source.config, catalog, state: stateFile.forSource },
      follow ? { stdin: true, env: { [FOLLOW_ENV]: '1' } } : {},
    );
  } catch (error) {
    writer.running.stdin?.end();
    await writer.running.exited;
    throw error;
  }
  let interrupted = false;
  // After an interruption the destination has a bounded time to finish what it received.
  const deadline = new DestinationDeadline(destination.client.name, request.destinationIdleTimeoutMs, (error) => {
    fail(error);
    void reader.running.stop();
    void writer.running.stop();
  });
  const onAbort = (): void => {
    interrupted = true;
    void reader.running.stop();
    deadline.interrupted();
  };
  request.signal?.addEventListener('abort', onAbort, { once: true });
  if (request.signal?.aborted) onAbort();
  if (follow) {
    const started = reader;
    feedback = new StateFeedback(started.running.stdin, (error) => {
      // A source that exited closed its stdin: its exit tells the story. One that runs on without reading is broken.
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<'running'>((resolve) => {
        timer = setTimeout(() => resolve('running'), FEEDBACK_FAILURE_GRACE_MS);
      });
      void Promise.race([started.running.exited.then(() => 'exited' as const), grace]).then((outcome) => {
        clearTimeout(timer);
        if (outcome === 'exited') return;
        fail(new SluiceError('sync.feedback_failed', `could not write a committed state to the stdin of source ${source.client.name} (${error.message}); it was stopped`, {
          failureType: 'transient_error',
          cause: error,
        }));
        void started.running.stop();
      });
    });
  }

  // ---- destination → Sluice: echoed states are commits -------------------------------------------------------
  const onDestinationMessage = (message: AirbyteMessage): boolean => {
    // Thrown: the relay stops reading the destination, so nothing after a malformed message is committed.
    const problem = messageProblem(message);
    if (problem !== undefined) throw malformed('destination', destination.client, message, problem);
    if (message.type === 'STATE' && message.state) {
      try {
        commits.echoed(sourceNames ? sourceNames(message.state) : message.state);
      } catch (error) {
        fail(error);
        void reader.running.stop();
      }
    } else if (message.type === 'CONTROL' && message.control) {
      sideWork.push(persistConfigUpdate(destination.client, message.control, destination).catch(fail));
    } else writer.output.handleSideMessage(message);
    return false;
  };
  const echoes = relayLines(
    writer.running.stdout,
    null,
    { record: () => false, message: onDestinationMessage, noise: (text, reason, line) => writer.output.handleNoise(text, reason, line) },
    { maxLineBytes: request.maxLineBytes },
  ).catch((error: unknown) => {
    fail(streamError(destination.client, 'write', error));
    void writer.running.stop();
  });

  // ---- source → destination: the hot path ---------------------------------------------------------------------
  // One lookup per record: the commit path's counter (records not yet covered by a state) and the stream's stats.
  // A mapped stream's counter also holds its mapper, so the hot path does no second lookup.
  const counters = new Map<string, Counter>();
  counting.keys.forEach((key, index) => {
    const stream = catalog.streams[index]!.stream;
    const planned = request.mappers?.forStream(describeStream(stream));
    // With a prefix or namespace the mapper writes the destination's stream name itself: one parse, one serialise.
    const mapper = planned && mapping ? planned.landingIn(mapDescriptor(stream, mapping)) : planned;
    counters.set(key, { uncovered: commits.counterFor(key), stats: stats.stream(key), mapper, takes: 0, inFlight: 0, taken: new Map() });
  });
  const onRecord = (stream: string, bytes: number): Counter => {
    const counter = counters.get(stream);
    if (counter === undefined) {
      throw new SluiceError('sync.unknown_stream', `source ${source.client.name} sent a record for stream ${stream}, which is not in the configured catalog`);
    }
    counter.uncovered.records++;
    counter.uncovered.bytes += bytes;
    counter.stats.recordsEmitted++;
    counter.stats.bytesEmitted += bytes;
    return counter;
  };
  const mapRecord = (counter: Counter, mapper: StreamMapper, line: Buffer, start: number, end: number, facts?: RecordFacts): Buffer | string | false | Promise<Buffer | string | false> => {
    const result = mapper.map(line, start, end, counter.stats.recordsEmitted, facts);
    if (result === DROPPED) {
      counter.uncovered.filtered++;
      counter.stats.recordsFiltered++;
      return false;
    }
    if (typeof result === 'string' || Buffer.isBuffer(result)) return result;
    // An asynchronous mapper settles after the relay has read on, maybe past a STATE that took this record's count:
    // a drop then counts in the counts that state took (kept in `taken` while records are in flight).
    const take = counter.takes;
    counter.inFlight++;
    const settle = (): void => {
      if (--counter.inFlight === 0) counter.taken.clear();
    };
    return result.then((settled: MapResult) => {
      if (settled === DROPPED) {
        (take === counter.takes ? counter.uncovered : counter.taken.get(take + 1)!).filtered++;
        counter.stats.recordsFiltered++;
      }
      settle();
      return settled === DROPPED ? false : settled;
    }, (error: unknown) => {
      settle();
      throw error;
    });
  };
  const tookCounts = (covered: Map<string, StreamCounts>): void => {
    for (const [key, counts] of covered) {
      const counter = counters.get(key);
      if (counter === undefined) continue;
      counter.takes++;
      if (counter.inFlight > 0) counter.taken.set(counter.takes, counts);
    }
  };
  const checkSourceMessage = (message: AirbyteMessage): void => {
    const problem = messageProblem(message);
    if (problem !== undefined) throw malformed('source', source.client, message, problem);
  };
  const router: LineRouter = {
    record(stream, bytes, buffer, start, end, facts) {
      if (validator.wants(stream)) {
        validator.check(stream, (JSON.parse(buffer.toString('utf8', start, end)) as AirbyteMessage).record?.data);
      }
      const counter = onRecord(stream, bytes);
      if (counter.mapper !== undefined) return mapRecord(counter, counter.mapper, buffer, start, end, facts);
      return mapping ? mappedRecordLine(buffer.subarray(start, end), mapping, undefined, facts.longNumber) : true;
    },
    message(message, bytes, line) {
      switch (message.type) {
        case 'RECORD': {
          const record = message.record!;
          const name = counting.ambiguous ? describeStream({ name: record.stream, namespace: record.namespace }) : record.stream;
          if (validator.wants(name)) validator.check(name, record.data);
          const counter = onRecord(name, bytes);
          if (counter.mapper !== undefined) return mapRecord(counter, counter.mapper, line, 0, line.length);
          return mapping ? mappedRecordLine(line, mapping, message) : true;
        }
        case 'STATE': {
          checkSourceMessage(message);
          tookCounts(commits.sourceState(message.state!, counting.keyOfDescriptor, follow ? line : undefined));
          return mapping ? mappedStateLine(message, mapping) : true;
        }
        case 'TRACE': {
          checkSourceMessage(message);
          const trace = message.trace!;
          if (trace.type === 'ESTIMATE' && trace.estimate) stats.estimate(trace.estimate.name, trace.estimate.row_estimate);
          else if (trace.type === 'STREAM_STATUS' && trace.stream_status) {
            stats.status(counting.keyOfDescriptor(trace.stream_status.stream_descriptor), trace.stream_status.status);
          } else reader.output.handleSideMessage(message);
          return false;
        }
        case 'CONTROL':
          checkSourceMessage(message);
          sideWork.push(persistConfigUpdate(source.client, message.control!, source).catch(fail));
          return false;
        default:
          reader.output.handleSideMessage(message);
          return false;
      }
    },
    noise: (text, reason, line) => {
      // A RECORD-looking line that is malformed is dropped: counted, so the summary says so (envelope.ts reasons).
      if (reason.startsWith('RECORD ')) stats.malformedLines++;
      reader.output.handleNoise(text, reason, line);
    },
  };

  const watchdog = new Watchdog(request, () => {
    fail(new SluiceError('sync.source_hung', `source ${source.client.name} sent nothing for ${seconds(request.sourceIdleTimeoutMs)} and was stopped`, { failureType: 'transient_error' }));
    void reader.running.stop();
  }, () => {
    // Once interrupted, the interruption's deadline decides how long the destination may take.
    if (interrupted) return;
    fail(new SluiceError('sync.destination_hung', `destination ${destination.client.name} took no input for ${seconds(request.destinationIdleTimeoutMs)} and was stopped`, { failureType: 'transient_error' }));
    void reader.running.stop();
    void writer.running.stop();
  });
  try {
    await relayLines(reader.running.stdout, writer.running.stdin, router, {
      maxLineBytes: request.maxLineBytes,
      parseRecords: counting.ambiguous || request.validate === 'strict',
      onChunk: watchdog.sourceAlive,
      onWaiting: watchdog.destinationWaiting,
    });
  } catch (error) {
    // The destination closing its input is explained by how it exits; anything else stops the source.
    if (!(error instanceof WritableClosedError)) fail(streamError(source.client, 'read', error));
    void reader.running.stop();
  } finally {
    watchdog.stop();
    // The source's output ended: no more feedback; end of its stdin tells a following source to end.
    feedback?.close();
  }

  // The destination hears that the streams are complete only when the source ended well; either way it then gets
  // end of input, and commits what it received.
  const sourceError = await finishSource(reader);
  if (failure === undefined && sourceError === undefined && !interrupted && writer.running.stdin) {
    await sendStreamsComplete(writer.running.stdin, catalog).catch(() => undefined);
  }
  writer.running.stdin?.end();
  deadline.inputEnded();
  const destinationExit = writer.finish().catch((error: unknown) => error);
  await echoes;
  const destinationError = await destinationExit;
  deadline.stop();
  request.signal?.removeEventListener('abort', onAbort);
  await Promise.all(sideWork);

  // The first cause wins: a source stopped because the destination failed is not the story.
  if (failure === undefined && destinationError !== undefined && !interrupted) fail(destinationError);
  if (failure === undefined && sourceError !== undefined && !interrupted) fail(sourceError);
  if (failure === undefined && destinationError !== undefined) fail(destinationError);
  const error = await commits.settle(failure, sourceError);
  if (error !== undefined) throw error;
  return { interrupted };
}

interface Counter {
  uncovered: StreamCounts;
  stats: StreamStats;
  mapper: StreamMapper | undefined;
  /** How many STATEs have taken this stream's counts; with `taken`, where a late drop is counted. */
  takes: number;
  /** Records whose asynchronous mapper has not settled. */
  inFlight: number;
  /** The counts each take since the oldest record in flight was read took (by take number). */
  taken: Map<number, StreamCounts>;
}

// A source that closed its stdout should exit; one that lingers is stopped rather than waited for forever.
const SOURCE_EXIT_GRACE_MS = 30_000;

async function finishSource(reader: StartedConnector): Promise<unknown> {
  const timer = setTimeout(() => void reader.running.stop(), SOURCE_EXIT_GRACE_MS);
  try {
    await reader.finish();
    return undefined;
  } catch (error) {
    return error;
  } finally {
    clearTimeout(timer);
  }
}

/** How records are counted: by stream name, or by namespace.name when two streams share a name. */
function countingKeys(catalog: ConfiguredAirbyteCatalog): {
  ambiguous: boolean;
  keys: string[];
  keyOfDescriptor: (descriptor: { name: string; namespace?: string }) => string;
} {
  const names = catalog.streams.map((configured) => configured.stream.name);
  const ambiguous = new Set(names).size !== names.length;
  return {
    ambiguous,
    keys: catalog.streams.map((configured) => (ambiguous ? describeStream(configured.stream) : configured.stream.name)),
    keyOfDescriptor: (descriptor) => (ambiguous ? describeStream(descriptor) : descriptor.name),
  };
}

function malformed(role: 'source' | 'destination', client: ConnectorClient, message: AirbyteMessage, problem: string): SluiceError {
  return new SluiceError('connector.protocol_violation', `${role} ${client.name} sent a malformed ${message.type} message: ${problem}`);
}

function streamError(client: ConnectorClient, command: 'read' | 'write', error: unknown): unknown {
  if (error instanceof LineTooLongError || !isSluiceError(error)) return client.streamError(command, error);
  return error;
}

function seconds(ms: number | undefined): string {
  return `${Math.round((ms ?? 0) / 1000)} s`;
}
