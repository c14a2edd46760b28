// Owns how an error looks over HTTP: one body shape for every failure,
//   { "error": { "code": "connection.not_found", "message": "no connection named x", "hint": "…" } }
// with the status the error registry (runtime/errors.ts) declares for the code, except that a connector that calls
// its config wrong is 422; an error that is not a SluiceError is 500 with a generic message.
import { isSluiceError, httpStatusFor } from '../../runtime/errors.js';

export interface ErrorBody {
  error: { code: string; message: string; hint?: string };
}

/** The status of an error code, as the registry in runtime/errors.ts declares it. */
export function httpStatusOf(code: string): number {
  return httpStatusFor(code);
}

export function errorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (isSluiceError(error)) {
    // A connector that says its config is wrong failed because of what the client sent.
    const configError = error.code.startsWith('connector.') && error.failureType === 'config_error';
    return {
      status: configError ? 422 : httpStatusOf(error.code),
      body: { error: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) } },
    };
  }
  return { status: 500, body: { error: { code: 'internal.unexpected', message: 'an unexpected error occurred; see the server log' } } };
}
