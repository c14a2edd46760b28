// Owns the basic read and full refresh suites: every stream read as full refresh gives at least one RECORD,
// only for configured streams, each matching its stream's schema and carrying its primary key; a second read
// succeeds too, with the same number of records per stream, all emitted after the first read's.
import { validateAgainstSchema } from '../protocol/validators.js';
import type { AirbyteRecordMessage } from '../protocol/types.generated.js';
import { describeFailure, type RunTarget } from './connector-run.js';
import { fullRefreshCatalog, primaryKeysByStream, schemasByStream, type CatalogSources } from './catalogs.js';
import { valueAtPath } from './cursor-values.js';
import { describeCounts, describeRecord, readSource, recordStreamKey, type ReadSummary } from './read-run.js';
import { all, fail, pass, skip, type TestResult } from './results.js';

const READ_TESTS = ['read.records', 'read.records_match_schema', 'read.primary_keys_present', 'read.full_refresh_twice'] as const;

/** Problems shown per check: enough to act on, few enough for one line. */
const SHOWN_PROBLEMS = 3;

export async function checkFullRefreshReads(target: RunTarget, config: unknown, sources: CatalogSources): Promise<TestResult[]> {
  const catalog = fullRefreshCatalog(sources);
  if (!catalog) return all(READ_TESTS, fail, 'not run: there is no catalog to read (discover gave none and no --catalog was given)');
  if (catalog.streams.length === 0) return all(READ_TESTS, fail, 'not run: the catalog has no streams');
  const schemas = schemasByStream(catalog, sources.discovered);
  const primaryKeys = primaryKeysByStream(catalog);
  const invalid = new Problems();
  const missingKeys = new Problems();

  const ordinals = new Map<string, number>();
  const checkRecord = (record: AirbyteRecordMessage): void => {
    const key = recordStreamKey(record);
    const ordinal = (ordinals.get(key) ?? 0) + 1;
    ordinals.set(key, ordinal);
    const where = (): string => describeRecord(record, ordinal, primaryKeys.get(key));
    const schema = schemas.get(key);
    if (schema) {
      const issues = validateAgainstSchema(schema, record.data);
      if (issues.length > 0) invalid.add(`${where()}: ${issues.slice(0, 2).map((issue) => `${issue.pointer} ${issue.message}`).join(', ')}`);
    }
    for (const path of primaryKeys.get(key) ?? []) {
      const value = valueAtPath(record.data, path);
      if (value === undefined || value === null) missingKeys.add(`${where()}: primary key ${path.join('.')} is ${value === null ? 'null' : 'missing'}`);
      else if (typeof value === 'object') missingKeys.add(`${where()}: primary key ${path.join('.')} is an ${Array.isArray(value) ? 'array' : 'object'}`);
    }
  };

  const first = await readSource(target, { config, catalog }, checkRecord);
  const results = [judgeRecords(target, first), judgeSchemas(first, invalid), judgePrimaryKeys(first, missingKeys, primaryKeys.size)];
  if (first.failure) return [...results, fail('read.full_refresh_twice', 'not run: the first read failed')];
  const second = await readSource(target, { config, catalog });
  return [...results, judgeSecondRead(target, first, second)];
}

function judgeRecords(target: RunTarget, read: ReadSummary): TestResult {
  if (read.failure) return fail('read.records', `the read failed after ${read.records} record(s): ${describeFailure(read.failure, target.redact)}`);
  if (read.unconfigured.size > 0) {
    return fail('read.records', `records for stream(s) the catalog does not configure: ${describeCounts(read.unconfigured)}`);
  }
  if (read.records === 0) return fail('read.records', 'no RECORD from a full refresh of every stream');
  const empty = [...read.perStream].filter(([, count]) => count === 0).length;
  const note = empty > 0 ? ` (${empty} stream(s) empty)` : '';
  return pass('read.records', `${read.records} records: ${describeCounts(read.perStream)}${note}`);
}

function judgeSchemas(read: ReadSummary, invalid: Problems): TestResult {
  if (invalid.count > 0) {
    return fail('read.records_match_schema', `${invalid.count} of ${read.records} records do not match their stream's schema: ${invalid.describe()}`);
  }
  if (read.records === 0) return fail('read.records_match_schema', 'no records to check');
  return pass('read.records_match_schema', `${read.records} records match their stream's schema`);
}

function judgePrimaryKeys(read: ReadSummary, missing: Problems, streamsWithKeys: number): TestResult {
  if (streamsWithKeys === 0) return skip('read.primary_keys_present', 'no stream has a primary key');
  if (missing.count > 0) return fail('read.primary_keys_present', `${missing.count} primary key value(s) missing or not scalar: ${missing.describe()}`);
  if (read.records === 0) return fail('read.primary_keys_present', 'no records to check');
  return pass('read.primary_keys_present', `primary keys present and not null in ${streamsWithKeys} stream(s)`);
}

function judgeSecondRead(target: RunTarget, first: ReadSummary, second: ReadSummary): TestResult {
  const name = 'read.full_refresh_twice';
  if (second.failure) return fail(name, `the second read failed: ${describeFailure(second.failure, target.redact)}`);
  const differing = [...first.perStream].filter(([key, count]) => second.perStream.get(key) !== count);
  if (differing.length > 0) {
    return fail(name, `the reads differ: ${describeCounts(first.perStream)} then ${describeCounts(second.perStream)}`);
  }
  if (first.maxEmittedAt !== undefined && second.minEmittedAt !== undefined && second.minEmittedAt < first.maxEmittedAt) {
    return fail(name, `the second read emitted a record at ${second.minEmittedAt}, before the first read's last (${first.maxEmittedAt})`);
  }
  return pass(name, `both reads gave ${second.records} records; the second read's emitted_at all at or after the first's`);
}

/** Counts problems and keeps the first few. */
class Problems {
  count = 0;
  readonly #first: string[] = [];

  add(problem: string): void {
    this.count++;
    if (this.#first.length < SHOWN_PROBLEMS) this.#first.push(problem);
  }

  describe(): string {
    const more = this.count - this.#first.length;
    return `${this.#first.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
  }
}
