// Owns deciding whether a connector run failed and saying why in one line: from how it exited (code, signal,
// timeout, cancellation) and what it said: its last TRACE ERROR (message and failure_type), else its last ERROR
// LOG, else the line of its stderr that names the error (runtime/failure-reason.ts).
import { SluiceError, type FailureType } from './errors.js';
import type { ExitResult } from './launchers/launcher.js';
import type { AirbyteErrorTraceMessage } from '../protocol/types.generated.js';
import { meaningfulStderrLine } from './failure-reason.js';

export interface RunOutcome {
  connector: string;
  command: string;
  exit: ExitResult;
  /** The last TRACE ERROR the connector emitted, if any. */
  traceError?: AirbyteErrorTraceMessage;
  /** The last LOG message at level ERROR or FATAL, already redacted. */
  lastErrorLog?: string;
  /** The last lines of stderr, already redacted, for a hint when nothing better explains the failure. */
  stderrTail?: string[];
  timeoutMs?: number;
}

/** The error for a failed run, or undefined when the connector exited 0 on its own. */
export function failureOf(outcome: RunOutcome): SluiceError | undefined {
  const { connector, command, exit, traceError } = outcome;
  const where = `connector ${connector} (${command})`;
  const failureType = traceError?.failure_type as FailureType | undefined;
  const reason = traceError ? `: ${traceError.message}` : '';
  if (exit.timedOut) {
    return new SluiceError('connector.timeout', `${where} timed out after ${formatMs(outcome.timeoutMs)} and was stopped${reason}`, {
      failureType: 'transient_error',
    });
  }
  if (exit.cancelled) return new SluiceError('connector.cancelled', `${where} was cancelled`, { exitCode: 130 });
  if (exit.signal) {
    // A connector's death is a connector failure (exit 1); 128+N is kept for the signals Sluice itself receives
    // (cli/context.ts), so a script can tell "the connector crashed" from "Sluice was stopped".
    return new SluiceError('connector.killed', `${where} was killed by ${exit.signal}${reason}`, { failureType });
  }
  if (exit.exitCode !== 0) {
    if (traceError) {
      return new SluiceError('connector.failed', `${where} failed${failureType ? ` (${failureType})` : ''}${reason}`, {
        failureType,
      });
    }
    const said = outcome.lastErrorLog ?? meaningfulStderrLine(outcome.stderrTail ?? []);
    return new SluiceError('connector.exit_nonzero', `${where} exited with code ${exit.exitCode}${said ? `: ${said}` : ''}`);
  }
  return undefined;
}

function formatMs(ms: number | undefined): string {
  if (ms === undefined) return 'its time limit';
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
