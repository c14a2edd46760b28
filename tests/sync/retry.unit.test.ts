// The retry policy (runtime/sync/retry.ts), one for `sluice sync` and a stored connection's job: only a failure
// marked transient is retried, the wait doubles, and a cancellation ends the wait and the loop.
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { SluiceError } from '../../runtime/errors.js';
import { backoffDelay, isRetryable, runAttempts, waitBeforeRetry } from '../../runtime/sync/retry.js';

const transient = (): SluiceError => new SluiceError('connector.failed', 'rate limited, try again', { failureType: 'transient_error' });

function capturingLogger() {
  const lines: Array<{ msg: string; delayMs?: number }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, stream), lines };
}

describe('isRetryable', () => {
  it.each([
    ['a transient connector failure', transient(), true],
    ['a watchdog timeout marked transient', new SluiceError('sync.source_hung', 'source sent nothing for 1 s', { failureType: 'transient_error' }), true],
    ['a config error', new SluiceError('connector.failed', 'bad api key', { failureType: 'config_error' }), false],
    ['a system error', new SluiceError('connector.failed', 'upstream exploded', { failureType: 'system_error' }), false],
    ['bad input (a catalog that no longer matches)', new SluiceError('sync.catalog_mismatch', 'stream gone'), false],
    ['a protocol violation', new SluiceError('connector.protocol_violation', 'not a message'), false],
    ['a connector that exited without saying why', new SluiceError('connector.exit_nonzero', 'exited with code 1'), false],
    ['an unexpected error', new Error('boom'), false],
  ])('%s: %s', (_name, error, expected) => {
    expect(isRetryable(error)).toBe(expected);
  });
});

describe('backoffDelay', () => {
  it('is the base before the first retry and doubles before each next one', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffDelay({ attempts: 5, backoffMs: 2000 }, attempt))).toEqual([2000, 4000, 8000, 16000]);
  });
});

describe('waitBeforeRetry', () => {
  it('ends at once when cancelled during the wait', async () => {
    const cancel = new AbortController();
    const started = Date.now();
    setTimeout(() => cancel.abort(), 20);
    await waitBeforeRetry(60_000, cancel.signal);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('does not wait at all when already cancelled', async () => {
    const started = Date.now();
    await waitBeforeRetry(60_000, AbortSignal.abort());
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('runAttempts', () => {
  it('retries transient failures with a doubling wait until an attempt succeeds', async () => {
    const { logger, lines } = capturingLogger();
    const ran: number[] = [];
    const outcome = await runAttempts({ attempts: 5, backoffMs: 5 }, async (number) => {
      ran.push(number);
      return number < 4 ? transient() : undefined;
    }, { logger });
    expect(outcome).toEqual({ attempts: 4 });
    expect(ran).toEqual([1, 2, 3, 4]);
    expect(lines.map((line) => line.delayMs)).toEqual([5, 10, 20]);
    expect(lines[0]!.msg).toBe('attempt 1 failed (connector.failed: rate limited, try again); retrying from the last committed state');
  });

  it('stops after the last attempt with its failure', async () => {
    const { logger } = capturingLogger();
    const failures = [transient(), transient()];
    const outcome = await runAttempts({ attempts: 2, backoffMs: 1 }, async (number) => failures[number - 1], { logger });
    expect(outcome).toEqual({ attempts: 2, error: failures[1] });
  });

  it('does not retry a failure that is not transient', async () => {
    const { logger, lines } = capturingLogger();
    const failure = new SluiceError('connector.failed', 'bad api key', { failureType: 'config_error' });
    const outcome = await runAttempts({ attempts: 3, backoffMs: 1 }, async () => failure, { logger });
    expect(outcome).toEqual({ attempts: 1, error: failure });
    expect(lines).toEqual([]);
  });

  it('does not retry after a cancellation', async () => {
    const { logger } = capturingLogger();
    const cancel = new AbortController();
    const outcome = await runAttempts({ attempts: 3, backoffMs: 1 }, async () => {
      cancel.abort();
      return transient();
    }, { logger, signal: cancel.signal });
    expect(outcome.attempts).toBe(1);
  });

  it('ends with sync.interrupted when cancelled while waiting to retry', async () => {
    const { logger } = capturingLogger();
    const cancel = new AbortController();
    const ran: number[] = [];
    const started = Date.now();
    const outcome = await runAttempts({ attempts: 3, backoffMs: 60_000 }, async (number) => {
      ran.push(number);
      setTimeout(() => cancel.abort(), 20);
      return transient();
    }, { logger, signal: cancel.signal });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(ran).toEqual([1]);
    expect(outcome.attempts).toBe(1);
    expect(outcome.error).toMatchObject({ code: 'sync.interrupted', exitCode: 130, message: 'the sync was interrupted while waiting to retry; what the destination acknowledged is committed' });
  });
});
