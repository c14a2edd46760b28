// Owns Sluice's typed errors: one class, stable dotted codes from a single registry, and the exit bucket of each.
// Every error message names what is wrong and where (file, field, line, connector); the original error stays as `cause`.

/** Exit buckets, one classifier for the whole CLI: 1 runtime failure, 2 bad input, 3 environment. */
export const ExitCode = {
  ok: 0,
  runtime: 1,
  badInput: 2,
  environment: 3,
  interrupted: 130,
} as const;

type Bucket = 'runtime' | 'badInput' | 'environment';

/** What the registry says about one code: its exit bucket on the CLI and its HTTP status in the API. */
export interface ErrorCodeInfo {
  exit: Bucket;
  /** 400 bad request, 401/403 auth, 404 a named resource missing, 409 conflict, 415 content type, 422 a connector
   * that cannot be found or started, 502 a connector that failed, 503 an engine or database that is down, 500 other. */
  http: number;
}

/** The registry: every code Sluice can raise, who should act on it (exit bucket) and its HTTP status. */
export const errorCodes = {
  'file.not_found': { exit: 'badInput', http: 400 },
  'file.unreadable': { exit: 'badInput', http: 400 },
  'file.invalid_json': { exit: 'badInput', http: 400 },
  'file.write_failed': { exit: 'environment', http: 500 },
  'config.invalid': { exit: 'badInput', http: 400 },
  'catalog.invalid': { exit: 'badInput', http: 400 },
  'state.invalid': { exit: 'badInput', http: 400 },
  'input.invalid_message': { exit: 'badInput', http: 400 },
  'cli.usage': { exit: 'badInput', http: 400 },
  'connector.not_found': { exit: 'badInput', http: 422 },
  'connector.not_executable': { exit: 'badInput', http: 422 },
  /** The connector's check said FAILED while saving a source or destination: the config (host, password…) is wrong. */
  'connector.check_failed': { exit: 'badInput', http: 422 },
  'connector.image_not_found': { exit: 'environment', http: 422 },
  'connector.spawn_failed': { exit: 'environment', http: 502 },
  'connector.failed': { exit: 'runtime', http: 502 },
  'connector.exit_nonzero': { exit: 'runtime', http: 502 },
  'connector.killed': { exit: 'runtime', http: 502 },
  'connector.timeout': { exit: 'runtime', http: 502 },
  'connector.cancelled': { exit: 'runtime', http: 502 },
  'connector.no_output': { exit: 'runtime', http: 502 },
  'connector.line_too_long': { exit: 'runtime', http: 502 },
  'connector.protocol_violation': { exit: 'runtime', http: 502 },
  'docker.unavailable': { exit: 'environment', http: 503 },
  'sync.catalog_mismatch': { exit: 'badInput', http: 400 },
  'sync.unknown_stream': { exit: 'runtime', http: 500 },
  'sync.state_not_echoed': { exit: 'runtime', http: 500 },
  'sync.state_mismatch': { exit: 'runtime', http: 500 },
  'sync.invalid_record': { exit: 'runtime', http: 500 },
  /** A connection's mappers do not fit its streams (unknown stream or field, bad step): found before anything runs. */
  'mapper.invalid': { exit: 'badInput', http: 400 },
  /** A mapper could not apply to a record and the stream's policy is on_error: fail. */
  'mapper.failed': { exit: 'runtime', http: 500 },
  /** `sluice decrypt`: a bad or wrong key, or a value that is not one Sluice encrypted. */
  'mapper.decrypt_failed': { exit: 'badInput', http: 400 },
  'sync.destination_hung': { exit: 'runtime', http: 500 },
  'sync.source_hung': { exit: 'runtime', http: 500 },
  'sync.interrupted': { exit: 'runtime', http: 500 },
  /** A following sync could not write a committed state back to its source's stdin. */
  'sync.feedback_failed': { exit: 'runtime', http: 500 },
  'cli.force_stopped': { exit: 'runtime', http: 500 },
  'acceptance.failed': { exit: 'runtime', http: 500 },
  'store.unavailable': { exit: 'environment', http: 503 },
  'store.migration_failed': { exit: 'environment', http: 500 },
  'store.schema_newer': { exit: 'environment', http: 500 },
  'store.conflict': { exit: 'badInput', http: 409 },
  'secret.key_invalid': { exit: 'environment', http: 500 },
  'secret.key_missing': { exit: 'environment', http: 500 },
  'secret.decrypt_failed': { exit: 'environment', http: 500 },
  'source.not_found': { exit: 'badInput', http: 404 },
  'destination.not_found': { exit: 'badInput', http: 404 },
  'actor.in_use': { exit: 'badInput', http: 409 },
  'connection.not_found': { exit: 'badInput', http: 404 },
  'connection.invalid': { exit: 'badInput', http: 400 },
  'job.not_found': { exit: 'badInput', http: 404 },
  'job.already_running': { exit: 'runtime', http: 409 },
  'job.orphaned': { exit: 'runtime', http: 500 },
  'job.cancelled': { exit: 'runtime', http: 500 },
  'job.stopped_following': { exit: 'runtime', http: 500 },
  'schema.changed': { exit: 'runtime', http: 500 },
  'schedule.invalid': { exit: 'badInput', http: 400 },
  'webhook.invalid': { exit: 'badInput', http: 400 },
  'webhook.not_found': { exit: 'badInput', http: 404 },
  'apply.invalid': { exit: 'badInput', http: 400 },
  'cli.confirmation_required': { exit: 'badInput', http: 400 },
  'api.unauthorized': { exit: 'badInput', http: 401 },
  'api.forbidden': { exit: 'badInput', http: 403 },
  'api.not_found': { exit: 'badInput', http: 404 },
  'api.bad_request': { exit: 'badInput', http: 400 },
  'api.unsupported_media_type': { exit: 'badInput', http: 415 },
  'internal.unexpected': { exit: 'runtime', http: 500 },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof errorCodes;

/** What a connector said about its failure (TRACE ERROR failure_type), used to decide on retries. */
export type FailureType = 'config_error' | 'system_error' | 'transient_error';

export interface SluiceErrorOptions {
  cause?: unknown;
  /** A hint for the user, printed after the message. */
  hint?: string;
  failureType?: FailureType;
  /** Overrides the exit code of the bucket (used for signals: 128 + n). */
  exitCode?: number;
}

export class SluiceError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly failureType?: FailureType;
  readonly #exitCode?: number;

  constructor(code: ErrorCode, message: string, options: SluiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SluiceError';
    this.code = code;
    this.hint = options.hint;
    this.failureType = options.failureType;
    this.#exitCode = options.exitCode;
  }

  get exitCode(): number {
    return this.#exitCode ?? ExitCode[errorCodes[this.code].exit];
  }
}

export function isSluiceError(error: unknown, code?: ErrorCode): error is SluiceError {
  return error instanceof SluiceError && (code === undefined || error.code === code);
}

/** The HTTP status the registry declares for `code` (500 for a code it does not know). */
export function httpStatusFor(code: string): number {
  return Object.hasOwn(errorCodes, code) ? errorCodes[code as ErrorCode].http : 500;
}

/** Maps any thrown value to the process exit code: the one classifier the CLI uses. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof SluiceError) return error.exitCode;
  return ExitCode.runtime;
}

/** One line for the user: `code: message (hint)`. */
export function describeError(error: unknown): string {
  if (error instanceof SluiceError) {
    return `${error.code}: ${error.message}${error.hint ? ` (${error.hint})` : ''}`;
  }
  if (error instanceof Error) return `internal.unexpected: ${error.message}`;
  return `internal.unexpected: ${String(error)}`;
}
