// Owns the attempts of a following sync: unbounded, each from the last committed state. The rule:
// - an attempt that failed restarts after a backoff — backoffMs, doubled after each consecutive failure, at most
//   60 s, back to backoffMs once an attempt committed something — unless what failed cannot get better by itself:
//   a `config_error`, a protocol violation (the connector, or a destination echoing states it was never sent), a
//   cancellation;
// - a source that ended by itself (a source that does not follow, read in back-to-back batches) restarts after
//   backoffMs: not a failure;
// - cancellation ends the loop, during an attempt or the wait.
// Each restart is counted (FollowStats.restarts) and logged with its cause, one line.
import { SluiceError, describeError, isSluiceError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { waitBeforeRetry, type AttemptsOutcome } from '../retry.js';

/** The longest wait between two attempts of a following sync. */
export const MAX_FOLLOW_BACKOFF_MS = 60_000;

export interface FollowAttemptResult {
  /** The attempt's failure; undefined when the source ended by itself and everything went well. */
  error?: unknown;
  /** Whether the attempt committed at least one state. */
  committed: boolean;
}

/** Errors after which a following sync stops instead of restarting. */
const NOT_RESTARTED = new Set(['connector.protocol_violation', 'sync.state_mismatch', 'sync.unknown_stream', 'sync.interrupted']);

/** Whether a following sync restarts after this failure (the rule above). */
export function isRestartable(error: unknown): boolean {
  if (!isSluiceError(error)) return true;
  return error.failureType !== 'config_error' && !NOT_RESTARTED.has(error.code) && error.exitCode !== 2;
}

/** The wait before the next attempt after `failures` consecutive failures (0: the source ended by itself). */
export function followDelay(backoffMs: number, failures: number): number {
  return Math.min(MAX_FOLLOW_BACKOFF_MS, backoffMs * 2 ** Math.max(0, failures - 1));
}

export async function runFollowAttempts(
  backoffMs: number,
  attempt: (number: number) => Promise<FollowAttemptResult>,
  context: { logger: Logger; signal?: AbortSignal; onRestart: () => void },
): Promise<AttemptsOutcome> {
  let failures = 0;
  for (let number = 1; ; number++) {
    const { error, committed } = await attempt(number);
    if (context.signal?.aborted) return error === undefined ? { attempts: number, error: interrupted() } : { attempts: number, error };
    if (error !== undefined && !isRestartable(error)) return { attempts: number, error };
    if (committed) failures = 0;
    if (error !== undefined) failures++;
    const delayMs = followDelay(backoffMs, failures);
    // A source that ends by itself does so every few seconds in back-to-back batches: not worth a warning each time.
    if (error === undefined) context.logger.debug({ delayMs }, `following: the source ended; running it again from the last committed state in ${seconds(delayMs)}`);
    else context.logger.warn({ attempt: number, delayMs }, `following: attempt ${number} failed (${describeError(error)}); restarting from the last committed state in ${seconds(delayMs)}`);
    await waitBeforeRetry(delayMs, context.signal);
    if (context.signal?.aborted) return { attempts: number, error: interrupted(error) };
    context.onRestart();
  }
}

function interrupted(cause?: unknown): SluiceError {
  return new SluiceError('sync.interrupted', 'the sync was interrupted; what the destination acknowledged is committed', { exitCode: 130, cause });
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
