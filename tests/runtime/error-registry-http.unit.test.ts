// The error registry is the one place that says how each code ends: its exit bucket on the CLI and its HTTP status.
import { describe, expect, it } from 'vitest';
import { errorCodes, ExitCode, SluiceError, exitCodeFor, type ErrorCode } from '../../runtime/errors.js';
import { errorResponse } from '../../control/api/http-error.js';

const codes = Object.keys(errorCodes) as ErrorCode[];
const statuses = [400, 401, 403, 404, 409, 415, 422, 500, 502, 503];

describe('the error registry', () => {
  it.each(codes)('%s has an exit bucket and an HTTP status', (code) => {
    const info: { exit: string; http: number } = errorCodes[code];
    expect(Object.keys(ExitCode)).toContain(info.exit);
    expect(statuses).toContain(info.http);
    expect(exitCodeFor(new SluiceError(code, 'x'))).toBe(ExitCode[info.exit as keyof typeof ExitCode]);
  });

  it.each(codes)('the API answers %s with the status the registry declares', (code) => {
    expect(errorResponse(new SluiceError(code, 'x')).status).toBe(errorCodes[code].http);
  });

  it('bad input is never answered with a 5xx', () => {
    const badInput = codes.filter((code) => errorCodes[code].exit === 'badInput');
    expect(badInput.filter((code) => errorCodes[code].http >= 500)).toEqual([]);
  });

  it('a connector that calls its config wrong is 422 whatever its code', () => {
    expect(errorResponse(new SluiceError('connector.failed', 'x', { failureType: 'config_error' })).status).toBe(422);
    expect(errorResponse(new Error('boom'))).toEqual({
      status: 500,
      body: { error: { code: 'internal.unexpected', message: 'an unexpected error occurred; see the server log' } },
    });
  });
});
