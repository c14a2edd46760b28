// Owns the spec suite: the connector answers `spec` with exactly one SPEC, its connectionSpecification is a
// draft-07 JSON Schema of type object, secret-like fields are marked airbyte_secret, and the config under test
// satisfies it.
import { formatIssues, validateAgainstSchema, validateDefinition } from '../protocol/validators.js';
import type { ConnectorSpecification } from '../protocol/types.generated.js';
import { collectMessages, describeFailure, type RunTarget } from './connector-run.js';
import { isObjectSchema, schemaProblem } from './json-schema.js';
import { secretLikeFields } from './secret-fields.js';
import { all, fail, firstOf, pass, type TestResult } from './results.js';

export interface SpecRun {
  /** The connector's spec, when it printed one (even an invalid one). */
  spec?: ConnectorSpecification;
  /** Why there is no usable spec, when there is none. */
  problem?: string;
}

/** Runs `spec` once; the runner shares its answer with the other suites. */
export async function runSpec(target: RunTarget): Promise<SpecRun> {
  const outcome = await collectMessages(target, 'spec', {}, ['SPEC']);
  const specs = outcome.messages.map((message) => message.spec).filter((spec) => spec !== undefined);
  const problems: string[] = [];
  if (outcome.failure) problems.push(describeFailure(outcome.failure, target.redact));
  if (specs.length !== 1) problems.push(`printed ${specs.length} SPEC messages, expected exactly one`);
  return { spec: specs[0], problem: problems.length > 0 ? problems.join('; ') : undefined };
}

export function checkSpec(run: SpecRun, config: unknown): TestResult[] {
  const { spec } = run;
  if (!spec) {
    return all(['spec.schema', 'spec.secrets_marked', 'spec.config_valid'], fail, `no spec: ${run.problem ?? 'no SPEC message'}`);
  }
  return [checkSchema(run, spec), checkSecrets(spec), checkConfig(spec, config)];
}

function checkSchema(run: SpecRun, spec: ConnectorSpecification): TestResult {
  if (run.problem) return fail('spec.schema', run.problem);
  const issues = validateDefinition('ConnectorSpecification', spec);
  if (issues.length > 0) return fail('spec.schema', formatIssues(issues, 'the SPEC does not follow the protocol'));
  const schema = spec.connectionSpecification;
  const problem = schemaProblem(schema);
  if (problem) return fail('spec.schema', `connectionSpecification ${problem}`);
  if (!isObjectSchema(schema)) return fail('spec.schema', 'connectionSpecification is not of type object');
  const fields = Object.keys((schema['properties'] as object | undefined) ?? {}).length;
  return pass('spec.schema', `one SPEC; connectionSpecification is a draft-07 object schema with ${fields} top-level field(s)`);
}

function checkSecrets(spec: ConnectorSpecification): TestResult {
  const fields = secretLikeFields(spec.connectionSpecification);
  const unmarked = fields.filter((field) => !field.marked).map((field) => field.path.join('.'));
  if (unmarked.length > 0) {
    return fail('spec.secrets_marked', `secret-like field(s) without airbyte_secret: true: ${firstOf(unmarked, 5)}`);
  }
  if (fields.length === 0) return pass('spec.secrets_marked', 'no secret-like fields');
  return pass('spec.secrets_marked', `secret-like field(s) all marked airbyte_secret: ${firstOf(fields.map((field) => field.path.join('.')), 5)}`);
}

function checkConfig(spec: ConnectorSpecification, config: unknown): TestResult {
  const issues = validateAgainstSchema(spec.connectionSpecification, config);
  if (issues.length > 0) return fail('spec.config_valid', formatIssues(issues, 'the config does not match the spec'));
  return pass('spec.config_valid', 'the config matches the spec');
}
