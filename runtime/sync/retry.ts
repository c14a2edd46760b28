// Owns retrying a sync: the policy (how many attempts, the first wait, which failures are worth another attempt),
// the wait between attempts (cut short by cancellation), and the loop. `sluice sync` and a stored connection's job
// both run their attempts here, through runSync; nothing else sleeps between attempts.
//
// The rule, one for both: retry a failure the connector (or Sluice's own watchdog) marks `transient_error`, and
// nothing after a cancellation. Not retried:
// - what the user must fix: `config_error`, and bad input (a catalog that no longer matches, an invalid config);
// - failures that would happen again the same way: a `system_error`, a protocol violation, an invalid record, a
//   state the destination never echoed, a destination that hung after committing everything. Another attempt
//   re-reads from the last committed state, so it costs a re-run and still fails.
// The job runner used to retry everything but configuration problems while `sluice sync` retried transient
// failures only; the CLI's rule won because the tests and the README pin it (a hung destination that committed
// everything is "not retried"; a TRACE ERROR is reported once), and a job has `sluice serve`'s orphan retry and
// its schedule for what a connector did not mark transient.
import { SluiceError, describeError, isSluiceError } from '../errors.js';
import type { Logger } from '../logger.js';

export interface RetryPolicy {
  /** Attempts in all (1 = no retry). */
  attempts: number;
  /** The wait before the first retry, doubled before each next one. */
  backoffMs: number;
}

/** Whether another attempt may succeed where this one failed (the rule above). */
export function isRetryable(error: unknown): boolean {
  return isSluiceError(error) && error.failureType === 'transient_error';
}

/** The wait after failed attempt `attempt` (1-based): backoffMs, then twice that, and so on. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  return policy.backoffMs * 2 ** (attempt - 1);
}

/** Resolves after `ms`, or at once when `signal` aborts (before or during the wait). */
export function waitBeforeRetry(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface AttemptsOutcome {
  /** How many attempts ran. */
  attempts: number;
  /** The last attempt's failure; undefined when it succeeded. */
  error?: unknown;
}

/**
 * Runs `attempt(1)`, `attempt(2)`, … until one succeeds (resolves undefined), the policy says stop, or `signal`
 * aborts. `attempt` resolves with its failure instead of throwing one. A cancellation during the wait ends the
 * loop with `sync.interrupted`.
 */
export async function runAttempts(
  policy: RetryPolicy,
  attempt: (number: number) => Promise<unknown>,
  context: { logger: Logger; signal?: AbortSignal },
): Promise<AttemptsOutcome> {
  const attempts = Math.max(1, Math.floor(policy.attempts));
  for (let number = 1; ; number++) {
    const error = await attempt(number);
    if (error === undefined) return { attempts: number };
    if (context.signal?.aborted || number >= attempts || !isRetryable(error)) return { attempts: number, error };
    const delayMs = backoffDelay(policy, number);
    context.logger.warn({ attempt: number, delayMs }, `attempt ${number} failed (${describeError(error)}); retrying from the last committed state`);
    await waitBeforeRetry(delayMs, context.signal);
    if (context.signal?.aborted) {
      return {
        attempts: number,
        error: new SluiceError('sync.interrupted', `the sync was interrupted while waiting to retry; what the destination acknowledged is committed`, { exitCode: 130, cause: error }),
      };
    }
  }
}
