// The error registry (runtime/errors.ts): stable dotted codes, each in one exit bucket, and the one classifier the CLI
// uses to turn any thrown value into an exit code and one line.
import { describe, expect, it } from 'vitest';
import { describeError, errorCodes, ExitCode, exitCodeFor, isSluiceError, SluiceError } from '../../runtime/errors.js';

describe('error registry', () => {
  it('every code is dotted lower case (area.reason) and sits in a bucket with a failing exit code', () => {
    const codes = Object.keys(errorCodes);
    expect(codes.filter((code) => !/^[a-z]+(\.[a-z_]+)+$/.test(code))).toEqual([]);
    expect(Object.values(errorCodes).filter((entry) => !(ExitCode[entry.exit] > 0))).toEqual([]);
  });

  it('a SluiceError exits with its bucket: bad input 2, environment 3, runtime 1', () => {
    expect(new SluiceError('file.not_found', 'x').exitCode).toBe(ExitCode.badInput);
    expect(new SluiceError('file.write_failed', 'x').exitCode).toBe(ExitCode.environment);
    expect(new SluiceError('job.cancelled', 'x').exitCode).toBe(ExitCode.runtime);
    expect([ExitCode.runtime, ExitCode.badInput, ExitCode.environment]).toEqual([1, 2, 3]);
  });

  it('an explicit exit code (a signal) overrides the bucket', () => {
    expect(exitCodeFor(new SluiceError('job.cancelled', 'killed', { exitCode: 143 }))).toBe(143);
  });

  it('anything else thrown is a runtime failure, described as internal.unexpected on one line', () => {
    expect(exitCodeFor(new Error('boom'))).toBe(ExitCode.runtime);
    expect(exitCodeFor('boom')).toBe(ExitCode.runtime);
    expect(describeError(new Error('boom'))).toBe('internal.unexpected: boom');
  });

  it('describes a SluiceError as `code: message (hint)` and keeps its cause', () => {
    const cause = new Error('EACCES');
    const error = new SluiceError('file.unreadable', 'state file /tmp/s.json cannot be read', { hint: 'check its permissions', cause });
    expect(describeError(error)).toBe('file.unreadable: state file /tmp/s.json cannot be read (check its permissions)');
    expect(error.cause).toBe(cause);
    expect(isSluiceError(error, 'file.unreadable')).toBe(true);
    expect(isSluiceError(error, 'file.not_found')).toBe(false);
  });
});
