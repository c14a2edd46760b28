// Owns what an acceptance test reports: its name, pass / fail / skip and one line of detail, the fixed list of
// test names (in the order they are reported), and the report of one run.

export type TestOutcome = 'pass' | 'fail' | 'skip';

export interface TestResult {
  name: AcceptanceTestName;
  result: TestOutcome;
  /** What was seen: counts on a pass, the first problems on a fail, the reason on a skip. */
  detail: string;
}

export type ConnectorKind = 'source' | 'destination';

export interface AcceptanceReport {
  connector: string;
  kind: ConnectorKind;
  /** How the kind was decided, e.g. "discover returned a CATALOG with 2 streams" (kind.ts). */
  kindReason: string;
  results: TestResult[];
}

/** Every acceptance test, in report order; a run reports each exactly once. */
export const ACCEPTANCE_TESTS = [
  'spec.schema',
  'spec.secrets_marked',
  'spec.config_valid',
  'check.succeeds',
  'check.invalid_config_fails',
  'discover.catalog',
  'discover.json_schemas',
  'discover.cursors_in_schema',
  'discover.primary_keys_in_schema',
  'discover.sync_modes',
  'read.records',
  'read.records_match_schema',
  'read.primary_keys_present',
  'read.full_refresh_twice',
  'incremental.emits_state',
  'incremental.resumes_from_state',
  'incremental.future_state',
  'destination.write',
] as const;

export type AcceptanceTestName = (typeof ACCEPTANCE_TESTS)[number];

export const pass = (name: AcceptanceTestName, detail: string): TestResult => ({ name, result: 'pass', detail });
export const fail = (name: AcceptanceTestName, detail: string): TestResult => ({ name, result: 'fail', detail });
export const skip = (name: AcceptanceTestName, detail: string): TestResult => ({ name, result: 'skip', detail });

/** The same outcome for several tests, e.g. every read test failing because there is no catalog to read. */
export function all(names: readonly AcceptanceTestName[], make: typeof pass, detail: string): TestResult[] {
  return names.map((name) => make(name, detail));
}

/** Results sorted into report order. */
export function inReportOrder(results: readonly TestResult[]): TestResult[] {
  return [...results].sort((a, b) => ACCEPTANCE_TESTS.indexOf(a.name) - ACCEPTANCE_TESTS.indexOf(b.name));
}

/** "a; b; c; and 4 more": the first problems of a list, so that a detail stays one readable line. */
export function firstOf(problems: readonly string[], max = 3): string {
  const shown = problems.slice(0, max).join('; ');
  return problems.length > max ? `${shown}; and ${problems.length - max} more` : shown;
}
