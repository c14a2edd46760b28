// Owns the incremental suite, for the streams that can be read incrementally with a cursor: a first read emits
// STATE; a read resumed from its last state returns no record older than that state's cursor; a read from a
// state far in the future returns no record at all.
import { storedForm, streamKey, streamStateBlob, type NormalizedState } from '../protocol/state.js';
import type { AirbyteRecordMessage, ConfiguredAirbyteCatalog } from '../protocol/types.generated.js';
import { describeFailure, type RunTarget } from './connector-run.js';
import { incrementalCatalog, schemasByStream, type CatalogSources } from './catalogs.js';
import { compareCursorValues, showValue, valueAtPath } from './cursor-values.js';
import { describeKey, futureState, lastStates, type CursorStream } from './incremental-states.js';
import { schemaAtPath } from './json-schema.js';
import { describeRecord, readSource, recordStreamKey } from './read-run.js';
import { all, fail, firstOf, pass, skip, type TestResult } from './results.js';

/** Cursors are compared and shown with every digit: a 64-bit cursor must not be rounded to a double. */
const EXACT = { exactNumbers: true };

const INCREMENTAL_TESTS = ['incremental.emits_state', 'incremental.resumes_from_state', 'incremental.future_state'] as const;

export async function checkIncrementalReads(target: RunTarget, config: unknown, sources: CatalogSources): Promise<TestResult[]> {
  const catalog = incrementalCatalog(sources);
  if (!catalog) return all(INCREMENTAL_TESTS, fail, 'not run: there is no catalog to read (discover gave none and no --catalog was given)');
  if (catalog.streams.length === 0) {
    const reason = sources.given ? 'the configured catalog reads no stream incrementally' : 'no stream supports incremental with a default_cursor_field';
    return all(INCREMENTAL_TESTS, skip, reason);
  }
  const streams = cursorStreams(catalog, sources);

  const first = await readSource(target, { config, catalog }, (record) => {
    const stream = streams.get(recordStreamKey(record));
    if (!stream) return;
    const cursor = valueAtPath(record.data, stream.path);
    if (stream.maxSeen === undefined || (compareCursorValues(cursor, stream.maxSeen) ?? 0) > 0) stream.maxSeen = cursor;
  }, EXACT);
  if (first.failure) {
    const why = describeFailure(first.failure, target.redact);
    return [fail('incremental.emits_state', `the first incremental read failed: ${why}`), ...all(INCREMENTAL_TESTS.slice(1), fail, 'not run: the first incremental read failed')];
  }
  if (first.states.length === 0) {
    return [
      fail('incremental.emits_state', `the first incremental read gave ${first.records} records and no STATE`),
      ...all(INCREMENTAL_TESTS.slice(1), fail, 'not run: there is no state to resume from'),
    ];
  }
  const state = lastStates(first.states);
  const emitted = pass('incremental.emits_state', `${first.states.length} ${state.kind} STATE message(s) with ${first.records} records`);
  const [resumed, future] = await Promise.all([
    first.records === 0
      ? fail('incremental.resumes_from_state', 'the first incremental read returned no records, so there is nothing to resume after')
      : checkResume(target, config, catalog, streams, state),
    checkFutureState(target, config, catalog, streams, state),
  ]);
  return [emitted, resumed, future];
}

function cursorStreams(catalog: ConfiguredAirbyteCatalog, sources: CatalogSources): Map<string, CursorStream> {
  const schemas = schemasByStream(catalog, sources.discovered);
  return new Map(
    catalog.streams.map((configured) => {
      const key = streamKey(configured.stream);
      const path = configured.cursor_field ?? [];
      return [key, { configured, path, fieldSchema: schemaAtPath(schemas.get(key), path) }];
    }),
  );
}

async function checkResume(
  target: RunTarget,
  config: unknown,
  catalog: ConfiguredAirbyteCatalog,
  streams: Map<string, CursorStream>,
  state: NormalizedState,
): Promise<TestResult> {
  const name = 'incremental.resumes_from_state';
  // The state's own cursor when it can be found in the blob at the cursor path, else the newest cursor read.
  const thresholds = new Map<string, { value: unknown; from: string }>();
  for (const [key, stream] of streams) {
    const saved = valueAtPath(streamStateBlob(state, stream.configured.stream), stream.path);
    if (saved !== undefined && saved !== null) thresholds.set(key, { value: saved, from: 'the state' });
    else if (stream.maxSeen !== undefined) thresholds.set(key, { value: stream.maxSeen, from: 'the first read' });
  }
  const problems: string[] = [];
  let older = 0;
  const ordinals = new Map<string, number>();
  const second = await readSource(target, { config, catalog, state: storedForm(state) }, (record) => {
    const key = recordStreamKey(record);
    const ordinal = (ordinals.get(key) ?? 0) + 1;
    ordinals.set(key, ordinal);
    const stream = streams.get(key);
    const threshold = thresholds.get(key);
    if (!stream || !threshold) return;
    const cursor = valueAtPath(record.data, stream.path);
    const order = compareCursorValues(cursor, threshold.value);
    if (order !== undefined && order >= 0) return;
    older++;
    if (problems.length < 3) problems.push(describeOlder(record, ordinal, stream, cursor, threshold, order));
  }, EXACT);
  if (second.failure) return fail(name, `the read resumed from the state failed: ${describeFailure(second.failure, target.redact)}`);
  if (older > 0) {
    return fail(name, `${older} of ${second.records} records read from the state are older than its cursor: ${firstOf(problems)}`);
  }
  const cursors = [...thresholds].map(([key, threshold]) => `${describeKey(key)}.${streams.get(key)!.path.join('.')} >= ${showValue(threshold.value)}`);
  return pass(name, `resumed from the ${state.kind} state: ${second.records} records, none older than ${firstOf(cursors)}`);
}

function describeOlder(
  record: AirbyteRecordMessage,
  ordinal: number,
  stream: CursorStream,
  cursor: unknown,
  threshold: { value: unknown; from: string },
  order: number | undefined,
): string {
  const where = describeRecord(record, ordinal, stream.configured.primary_key ?? stream.configured.stream.source_defined_primary_key);
  const field = stream.path.join('.');
  if (order === undefined) return `${where}: ${field} ${showValue(cursor)} cannot be compared with ${showValue(threshold.value)} from ${threshold.from}`;
  return `${where}: ${field} ${showValue(cursor)} < ${showValue(threshold.value)} from ${threshold.from}`;
}

async function checkFutureState(
  target: RunTarget,
  config: unknown,
  catalog: ConfiguredAirbyteCatalog,
  streams: Map<string, CursorStream>,
  state: NormalizedState,
): Promise<TestResult> {
  const name = 'incremental.future_state';
  const future = futureState(streams, state);
  const found: string[] = [];
  const ordinals = new Map<string, number>();
  const read = await readSource(target, { config, catalog, state: future.stored }, (record) => {
    const key = recordStreamKey(record);
    const ordinal = (ordinals.get(key) ?? 0) + 1;
    ordinals.set(key, ordinal);
    const stream = streams.get(key);
    if (found.length < 3 && stream) {
      const where = describeRecord(record, ordinal, stream.configured.primary_key ?? stream.configured.stream.source_defined_primary_key);
      found.push(`${where}: ${stream.path.join('.')} ${showValue(valueAtPath(record.data, stream.path))}`);
    }
  }, EXACT);
  if (read.failure) return fail(name, `the read from a state far in the future failed: ${describeFailure(read.failure, target.redact)}`);
  if (read.records > 0) return fail(name, `${read.records} records from a state far in the future (${future.describe}): ${firstOf(found)}`);
  return pass(name, `no records from a state far in the future (${future.describe})`);
}
