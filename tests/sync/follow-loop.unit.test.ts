// The attempts of a following sync (runtime/sync/follow/follow-loop.ts): unbounded, a failure restarts after a
// backoff that doubles up to 60 s and resets once an attempt committed something, a source that ended restarts
// after the base wait, and what cannot get better by itself (config, protocol violation, cancellation) ends it.
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { SluiceError } from '../../runtime/errors.js';
import { followDelay, isRestartable, runFollowAttempts, type FollowAttemptResult } from '../../runtime/sync/follow/follow-loop.js';

function capturingLogger() {
  const lines: Array<{ msg: string; level: number; delayMs?: number }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

describe('isRestartable', () => {
  it.each([
    ['a connector that exited without saying why', new SluiceError('connector.exit_nonzero', 'exited with code 1'), true],
    ['a system error', new SluiceError('connector.failed', 'upstream exploded', { failureType: 'system_error' }), true],
    ['an unexpected error', new Error('boom'), true],
    ['a config error', new SluiceError('connector.failed', 'bad password', { failureType: 'config_error' }), false],
    ['a protocol violation', new SluiceError('connector.protocol_violation', 'malformed STATE'), false],
    ['a destination echoing a state never sent', new SluiceError('sync.state_mismatch', 'not pending'), false],
    ['bad input', new SluiceError('sync.catalog_mismatch', 'stream gone'), false],
    ['a cancellation', new SluiceError('sync.interrupted', 'interrupted', { exitCode: 130 }), false],
  ])('%s: %s', (_name, error, expected) => {
    expect(isRestartable(error)).toBe(expected);
  });
});

describe('followDelay', () => {
  it('is the base after a source that ended, doubles per consecutive failure, and stops at 60 s', () => {
    expect([0, 1, 2, 3, 10].map((failures) => followDelay(1000, failures))).toEqual([1000, 1000, 2000, 4000, 60_000]);
  });
});

describe('runFollowAttempts', () => {
  it('restarts until cancelled, resetting the backoff after an attempt that committed, and logs each cause once', async () => {
    const { logger, lines } = capturingLogger();
    const controller = new AbortController();
    const failed = new SluiceError('connector.exit_nonzero', 'source exited with code 1');
    const results: FollowAttemptResult[] = [
      { error: failed, committed: false },
      { error: failed, committed: false },
      { error: failed, committed: true },
      { committed: true },
    ];
    let restarts = 0;
    const outcome = await runFollowAttempts(1, async (number) => {
      if (number > results.length) {
        controller.abort();
        return { error: new SluiceError('sync.interrupted', 'interrupted', { exitCode: 130 }), committed: false };
      }
      return results[number - 1]!;
    }, { logger, signal: controller.signal, onRestart: () => restarts++ });
    expect(outcome.attempts).toBe(5);
    expect(isRestartable(outcome.error)).toBe(false);
    expect(restarts).toBe(4);
    expect(lines.map((line) => line.delayMs)).toEqual([1, 2, 1, 1]);
    expect(lines[0]!.msg).toBe('following: attempt 1 failed (connector.exit_nonzero: source exited with code 1); restarting from the last committed state in 0 s');
    // A source that ended by itself runs again without a warning (back-to-back batches would fill the log).
    expect(lines[3]).toMatchObject({ level: 20, msg: 'following: the source ended; running it again from the last committed state in 0 s' });
    expect(lines.slice(0, 3).map((line) => line.level)).toEqual([40, 40, 40]);
  });

  it('ends at a failure that cannot get better by itself', async () => {
    const { logger } = capturingLogger();
    const config = new SluiceError('connector.failed', 'bad password', { failureType: 'config_error' });
    const outcome = await runFollowAttempts(1, async () => ({ error: config, committed: false }), { logger, onRestart: () => undefined });
    expect(outcome).toEqual({ attempts: 1, error: config });
  });
});
