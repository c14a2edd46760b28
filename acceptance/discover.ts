// Owns the discover suite: exactly one CATALOG with at least one stream and unique stream names; every
// json_schema a draft-07 object schema; default cursor fields and primary keys declared in the schema; every
// stream with a sync mode.
import { formatIssues, validateDefinition } from '../protocol/validators.js';
import { describeStream, streamKey } from '../protocol/state.js';
import type { AirbyteCatalog, AirbyteStream } from '../protocol/types.generated.js';
import { collectMessages, describeFailure, type RunOutcome, type RunTarget } from './connector-run.js';
import { isObjectSchema, schemaAtPath, schemaProblem } from './json-schema.js';
import { all, fail, firstOf, pass, skip, type TestResult } from './results.js';

export interface DiscoverRun {
  outcome: RunOutcome;
  catalogs: AirbyteCatalog[];
}

/** Runs `discover` once: the runner also uses the answer to tell a source from a destination. */
export async function runDiscover(target: RunTarget, config: unknown): Promise<DiscoverRun> {
  const outcome = await collectMessages(target, 'discover', { config }, ['CATALOG']);
  return { outcome, catalogs: outcome.messages.map((message) => message.catalog!).filter(Boolean) };
}

export function checkDiscovery(target: RunTarget, run: DiscoverRun): TestResult[] {
  const catalog = run.catalogs[0];
  const failure = run.outcome.failure ? describeFailure(run.outcome.failure, target.redact) : undefined;
  if (!catalog) {
    return all(
      ['discover.catalog', 'discover.json_schemas', 'discover.cursors_in_schema', 'discover.primary_keys_in_schema', 'discover.sync_modes'],
      fail,
      `no CATALOG${failure ? `: ${failure}` : ''}`,
    );
  }
  const streams = Array.isArray(catalog.streams) ? catalog.streams : [];
  return [
    checkCatalog(run, catalog, failure),
    checkSchemas(streams),
    checkPaths('discover.cursors_in_schema', streams, (stream) => (stream.default_cursor_field?.length ? [stream.default_cursor_field] : []), 'default_cursor_field'),
    checkPaths('discover.primary_keys_in_schema', streams, (stream) => stream.source_defined_primary_key ?? [], 'source_defined_primary_key'),
    checkSyncModes(streams),
  ];
}

function checkCatalog(run: DiscoverRun, catalog: AirbyteCatalog, failure: string | undefined): TestResult {
  const name = 'discover.catalog';
  if (failure) return fail(name, failure);
  if (run.catalogs.length > 1) return fail(name, `${run.catalogs.length} CATALOG messages, expected exactly one`);
  const issues = validateDefinition('AirbyteCatalog', catalog);
  if (issues.length > 0) return fail(name, formatIssues(issues, 'the CATALOG does not follow the protocol'));
  if (catalog.streams.length === 0) return fail(name, 'the catalog has no streams');
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const stream of catalog.streams) {
    const key = streamKey(stream);
    if (seen.has(key)) duplicates.add(describeStream(stream));
    seen.add(key);
  }
  if (duplicates.size > 0) return fail(name, `duplicate stream name(s): ${[...duplicates].join(', ')}`);
  return pass(name, `${catalog.streams.length} stream(s): ${firstOf(catalog.streams.map(describeStream), 5)}`);
}

function checkSchemas(streams: readonly AirbyteStream[]): TestResult {
  const problems: string[] = [];
  for (const stream of streams) {
    const problem = schemaProblem(stream.json_schema);
    if (problem) problems.push(`${describeStream(stream)}: json_schema ${problem}`);
    else if (!isObjectSchema(stream.json_schema)) problems.push(`${describeStream(stream)}: json_schema is not of type object`);
  }
  if (problems.length > 0) return fail('discover.json_schemas', firstOf(problems));
  return pass('discover.json_schemas', `${streams.length} draft-07 object schema(s)`);
}

function checkPaths(
  name: 'discover.cursors_in_schema' | 'discover.primary_keys_in_schema',
  streams: readonly AirbyteStream[],
  pathsOf: (stream: AirbyteStream) => string[][],
  field: string,
): TestResult {
  const problems: string[] = [];
  let checked = 0;
  for (const stream of streams) {
    for (const path of pathsOf(stream)) {
      checked++;
      if (!schemaAtPath(stream.json_schema, path)) {
        problems.push(`${describeStream(stream)}: ${field} ${path.join('.')} is not in its json_schema`);
      }
    }
  }
  if (checked === 0) return skip(name, `no stream declares ${field}`);
  if (problems.length > 0) return fail(name, firstOf(problems));
  return pass(name, `${checked} ${field} path(s) declared in their schemas`);
}

function checkSyncModes(streams: readonly AirbyteStream[]): TestResult {
  const empty = streams.filter((stream) => !Array.isArray(stream.supported_sync_modes) || stream.supported_sync_modes.length === 0);
  if (empty.length > 0) {
    return fail('discover.sync_modes', `no supported_sync_modes: ${firstOf(empty.map(describeStream), 5)}`);
  }
  const incremental = streams.filter((stream) => stream.supported_sync_modes.includes('incremental')).length;
  return pass('discover.sync_modes', `every stream has sync modes; ${incremental} of ${streams.length} support incremental`);
}
