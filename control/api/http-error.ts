// Owns how an error looks over HTTP: one body shape for every failure,
//   { "error": { "code": "connection.not_found", "message": "no connection named x", "hint": "…" } }
// with the status taken from the error code (not found 404, conflicts 409, auth 401/403, wrong content type 415,
// a connector that cannot be found or started, or that calls its config wrong, 422, a connector that failed 502, an engine or database that is
// down 503, other bad input 400, everything else 500, its message kept generic when it is not a SluiceError).
import { isSluiceError, errorCodes, type ErrorCode } from '../../runtime/errors.js';

export interface ErrorBody {
  error: { code: string; message: string; hint?: string };
}

export function httpStatusOf(code: string): number {
  if (code === 'api.unauthorized') return 401;
  if (code === 'api.forbidden') return 403;
  if (code.endsWith('.not_found') && code !== 'file.not_found' && code !== 'connector.not_found') return 404;
  if (code === 'store.conflict' || code === 'job.already_running' || code === 'actor.in_use') return 409;
  if (code === 'api.method_not_allowed') return 405;
  if (code === 'api.unsupported_media_type') return 415;
  if (code === 'connector.not_found' || code === 'connector.not_executable' || code === 'connector.image_not_found') return 422;
  if (code === 'docker.unavailable' || code === 'store.unavailable') return 503;
  if (code.startsWith('connector.')) return 502;
  const bucket = errorCodes[code as ErrorCode];
  if (bucket === 'badInput') return 400;
  return 500;
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
