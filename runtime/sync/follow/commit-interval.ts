// Owns reading a following sync's commit interval (`--commit-interval`, SLUICE_COMMIT_INTERVAL_MS on `serve`,
// `sluice worker` and `sluice connection sync`): a positive whole number of milliseconds, the only form destinations
// accept (a fraction or `1e3` passed on would fail every following sync at its destination).
import { SluiceError } from '../../errors.js';
import { COMMIT_INTERVAL_ENV } from '../sync-attempt.js';

/** The interval in milliseconds, or undefined when `text` is not a positive whole number. */
export function parseCommitIntervalMs(text: string | undefined): number | undefined {
  const trimmed = text?.trim() ?? '';
  const ms = Number(trimmed);
  return /^\d+$/.test(trimmed) && Number.isSafeInteger(ms) && ms > 0 ? ms : undefined;
}

/** The process's SLUICE_COMMIT_INTERVAL_MS for the connections it runs, undefined when unset; config.invalid when bad. */
export function commitIntervalFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env[COMMIT_INTERVAL_ENV];
  if (text === undefined || text.trim() === '') return undefined;
  const ms = parseCommitIntervalMs(text);
  if (ms === undefined) throw new SluiceError('config.invalid', `${COMMIT_INTERVAL_ENV} must be a positive whole number of milliseconds, not "${text}"`);
  return ms;
}
