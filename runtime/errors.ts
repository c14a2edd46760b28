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

/** The registry: every code Sluice can raise and who should act on it. */
export const errorCodes = {
  'file.not_found': 'badInput',
  'file.unreadable': 'badInput',
  'file.invalid_json': 'badInput',
  'file.write_failed': 'environment',
  'config.invalid': 'badInput',
  'catalog.invalid': 'badInput',
  'state.invalid': 'badInput',
  'input.invalid_message': 'badInput',
  'cli.usage': 'badInput',
  'connector.not_found': 'badInput',
  'connector.not_executable': 'badInput',
  'connector.image_not_found': 'environment',
  'connector.spawn_failed': 'environment',
  'connector.failed': 'runtime',
  'connector.exit_nonzero': 'runtime',
  'connector.killed': 'runtime',
  'connector.timeout': 'runtime',
  'connector.cancelled': 'runtime',
  'connector.no_output': 'runtime',
  'connector.line_too_long': 'runtime',
  'connector.protocol_violation': 'runtime',
  'docker.unavailable': 'environment',
  'sync.catalog_mismatch': 'badInput',
  'sync.unknown_stream': 'runtime',
  'sync.state_not_echoed': 'runtime',
  'sync.state_mismatch': 'runtime',
  'sync.invalid_record': 'runtime',
  'sync.destination_hung': 'runtime',
  'sync.source_hung': 'runtime',
  'sync.interrupted': 'runtime',
  'cli.force_stopped': 'runtime',
  'acceptance.failed': 'runtime',
  'store.unavailable': 'environment',
  'store.migration_failed': 'environment',
  'store.conflict': 'badInput',
  'secret.key_invalid': 'environment',
  'secret.key_missing': 'environment',
  'secret.decrypt_failed': 'environment',
  'source.not_found': 'badInput',
  'destination.not_found': 'badInput',
  'actor.in_use': 'badInput',
  'connection.not_found': 'badInput',
  'connection.invalid': 'badInput',
  'job.not_found': 'badInput',
  'job.already_running': 'runtime',
  'job.orphaned': 'runtime',
  'job.cancelled': 'runtime',
  'schema.changed': 'runtime',
  'schedule.invalid': 'badInput',
  'apply.invalid': 'badInput',
  'cli.confirmation_required': 'badInput',
  'api.unauthorized': 'badInput',
  'api.forbidden': 'badInput',
  'api.not_found': 'badInput',
  'api.bad_request': 'badInput',
  'api.unsupported_media_type': 'badInput',
  'internal.unexpected': 'runtime',
} as const satisfies Record<string, Bucket>;

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
    return this.#exitCode ?? ExitCode[errorCodes[this.code]];
  }
}

export function isSluiceError(error: unknown, code?: ErrorCode): error is SluiceError {
  return error instanceof SluiceError && (code === undefined || error.code === code);
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
