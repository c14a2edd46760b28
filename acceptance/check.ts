// Owns the check suite: with the good config the connector answers exactly one CONNECTION_STATUS SUCCEEDED;
// with an invalid one it says so (CONNECTION_STATUS FAILED, or a config_error TRACE ERROR and a non-zero
// exit) instead of crashing with a stack trace and nothing on stdout.
import type { AirbyteMessage } from '../protocol/types.generated.js';
import { collectMessages, describeFailure, type RunOutcome, type RunTarget } from './connector-run.js';
import { fail, pass, skip, type TestResult } from './results.js';
import { meaningfulStderrLine } from '../runtime/failure-reason.js';

export async function checkConnection(target: RunTarget, config: unknown, invalidConfig: unknown): Promise<TestResult[]> {
  const [good, bad] = await Promise.all([
    runCheck(target, config),
    invalidConfig === undefined ? undefined : runCheck(target, invalidConfig),
  ]);
  return [
    judgeGoodConfig(target, good),
    bad ? judgeInvalidConfig(target, bad) : skip('check.invalid_config_fails', 'no invalid config given (--config-invalid)'),
  ];
}

type CheckRun = RunOutcome & { messages: AirbyteMessage[] };

function runCheck(target: RunTarget, config: unknown): Promise<CheckRun> {
  return collectMessages(target, 'check', { config }, ['CONNECTION_STATUS']);
}

function judgeGoodConfig(target: RunTarget, run: CheckRun): TestResult {
  const statuses = run.messages.map((message) => message.connectionStatus!);
  const status = statuses[0];
  if (!status) {
    const why = run.failure ? describeFailure(run.failure, target.redact) : 'it exited 0';
    return fail('check.succeeds', `no CONNECTION_STATUS: ${why}`);
  }
  if (statuses.length > 1) return fail('check.succeeds', `${statuses.length} CONNECTION_STATUS messages, expected exactly one`);
  if (status.status !== 'SUCCEEDED') return fail('check.succeeds', `FAILED with the good config${status.message ? `: ${status.message}` : ''}`);
  if (run.failure) return fail('check.succeeds', `SUCCEEDED but ${describeFailure(run.failure, target.redact)}`);
  return pass('check.succeeds', 'SUCCEEDED');
}

function judgeInvalidConfig(target: RunTarget, run: CheckRun): TestResult {
  const name = 'check.invalid_config_fails';
  const statuses = run.messages.map((message) => message.connectionStatus!);
  const { exit, traceError } = run;
  if (exit.timedOut || exit.signal || exit.cancelled) return fail(name, describeFailure(run.failure!, target.redact));
  if (statuses.length > 1) return fail(name, `${statuses.length} CONNECTION_STATUS messages, expected exactly one`);
  const status = statuses[0];
  if (status?.status === 'SUCCEEDED') return fail(name, 'SUCCEEDED with the invalid config');
  if (status) return pass(name, `FAILED${status.message ? `: ${status.message}` : ''}`);
  if (traceError && exit.exitCode !== 0) {
    if (traceError.failure_type === 'config_error') {
      return pass(name, `TRACE ERROR config_error and exit code ${exit.exitCode}: ${traceError.message}`);
    }
    return fail(name, `TRACE ERROR ${traceError.failure_type ?? 'without failure_type'} (expected config_error, or a CONNECTION_STATUS FAILED): ${traceError.message}`);
  }
  if (traceError) return fail(name, `a TRACE ERROR but exit code 0 and no CONNECTION_STATUS: ${traceError.message}`);
  const crashed = exit.exitCode === 0 ? 'exited 0' : `exited with code ${exit.exitCode}`;
  const stderr = meaningfulStderrLine(run.stderrTail);
  return fail(name, `crashed: ${crashed} without a CONNECTION_STATUS or TRACE ERROR${stderr ? `; stderr: ${target.redact(stderr)}` : ''}`);
}
