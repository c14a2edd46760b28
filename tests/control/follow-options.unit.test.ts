// The commit interval a server or worker gives its following jobs (SLUICE_COMMIT_INTERVAL_MS in its own environment):
// a positive whole number of milliseconds, as destination-postgres requires; unset gives the runtime's default, and
// anything else is refused (a fraction passed on would make every following job's destination refuse to start).
import { describe, expect, it } from 'vitest';
import { followOptions } from '../../control/jobs/job-runner.js';

describe('followOptions', () => {
  it('takes a positive whole number of milliseconds', () => {
    expect(followOptions({ SLUICE_COMMIT_INTERVAL_MS: '250' })).toEqual({ commitIntervalMs: 250 });
  });
  it('leaves the default when unset', () => {
    for (const value of [undefined, '']) expect(followOptions({ SLUICE_COMMIT_INTERVAL_MS: value })).toEqual({});
  });
  it('refuses anything else with one message', () => {
    for (const value of ['0', '-5', '1500.5', '1e3', 'soon']) {
      expect(() => followOptions({ SLUICE_COMMIT_INTERVAL_MS: value })).toThrow(`SLUICE_COMMIT_INTERVAL_MS must be a positive whole number of milliseconds, not "${value}"`);
    }
  });
});
