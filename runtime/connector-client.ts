// Owns the protocol commands as typed async calls over any launcher: spec, check, discover run to completion
// and return their one message; read and write start the connector and hand back its streams, or `run` takes a
// command from start to exit, relaying the connector's stdout through the caller's LineRouter. Before check,
// discover, read and write the config is validated against the connector's spec, and from then on the
// config's secrets are redacted from everything logged about this connector.
import type { Writable } from 'node:stream';
import { readMessages } from '../protocol/message-reader.js';
import { LineTooLongError } from '../protocol/line-splitter.js';
import { formatIssues, validateAgainstSchema } from '../protocol/validators.js';
import { CONFIG_STAMP_ENV, configStamp } from '../protocol/config-stamp.js';
import type {
  AirbyteCatalog,
  AirbyteConnectionStatus,
  AirbyteErrorTraceMessage,
  AirbyteMessage,
  ConfiguredAirbyteCatalog,
  ConnectorSpecification,
} from '../protocol/types.generated.js';
import { SluiceError } from './errors.js';
import { silentLogger, type Logger } from './logger.js';
import { maskConfig, secretPaths, secretValues, SecretMask, type Redactor } from './secrets.js';
import { ConnectorOutput } from './connector-output.js';
import { failureOf } from './connector-failure.js';
import type { ConnectorFiles, ExitResult, Launcher, ProtocolCommand, RunningConnector } from './launchers/launcher.js';
import { relayLines, type LineRouter } from './relay.js';
import { WritableClosedError } from './backpressure.js';
import type { SpecCache } from './spec-cache.js';

export interface ConnectorClientOptions {
  logger?: Logger;
  /** Time limit for each spec, check and discover run. */
  timeoutMs?: number;
  /** Time limit for read and write runs (none by default: syncs may take hours). */
  streamTimeoutMs?: number;
  signal?: AbortSignal;
  /** Variables the user passes to this connector. */
  env?: Record<string, string>;
  maxLineBytes?: number;
  killGraceMs?: number;
  /** Where the connector's spec is kept between runs (runtime/spec-cache.ts); without it, spec always runs the connector. */
  specCache?: SpecCache;
}

export interface StartedConnector {
  running: RunningConnector;
  output: ConnectorOutput;
  /** Waits for the exit and throws the classified failure, if any. */
  finish(): Promise<void>;
  /** Waits for the exit and returns the classified failure, if any. */
  failureAfterExit(): Promise<SluiceError | undefined>;
}

export interface RunRequest extends ConnectorFiles {
  /**
   * The connector's stdin: lines written (newline added) and then closed, or a function that starts feeding it
   * (and closes it). Without input the connector gets no stdin.
   */
  input?: readonly string[] | ((stdin: Writable) => void);
  /** Where the lines the router forwards go; null (the default) only routes them. */
  output?: Writable | null;
  /** Parse every RECORD in full (see RelayOptions). */
  parseRecords?: boolean;
  /** Masks secrets in what is logged about the run; this client's own mask by default. */
  redact?: Redactor;
  /** Time limit; by default the client's streamTimeoutMs for read and write, timeoutMs for the others. */
  timeoutMs?: number;
}

export interface RunOutcome {
  exit: ExitResult;
  /**
   * Why the run failed (exit code, signal, time limit, a line too long, an error the router threw), or undefined
   * when it exited 0 or when whoever reads `output` stopped reading (that ends the run, it is not a failure).
   */
  failure?: Error;
  /** The last TRACE ERROR the connector emitted. */
  traceError?: AirbyteErrorTraceMessage;
  stderrTail: readonly string[];
  /** Whoever reads `output` stopped reading, so the connector was stopped. */
  outputClosed: boolean;
}

/** What a streaming run needs beyond its files. */
export interface StartOptions {
  /** Give the connector a stdin pipe (`running.stdin`). */
  stdin?: boolean;
  /** Variables Sluice sets for this run, on top of the user's. */
  env?: Record<string, string>;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 5 * 60_000;

export class ConnectorClient {
  readonly logger: Logger;
  #spec: Promise<ConnectorSpecification> | undefined;
  // Every secret of every config this client was given (and of those its connector sent back), never fewer.
  readonly #mask = new SecretMask();
  #secretPaths: string[][] | undefined;
  // Each config validated here, with its stamp: the connector is told so and need not validate it again.
  readonly #validated = new WeakMap<object, string>();

  constructor(
    readonly launcher: Launcher,
    readonly options: ConnectorClientOptions = {},
  ) {
    this.logger = (options.logger ?? silentLogger).child({ connector: launcher.displayName });
  }

  get name(): string {
    return this.launcher.displayName;
  }

  /** Redacts this connector's secrets (known once a config has been validated); one function that stays current. */
  get redact(): Redactor {
    return this.#mask.redact;
  }

  /**
   * Masks the secrets of a config the connector sent (a CONTROL config update), from now on, before anything about
   * it is logged. Without a validated config to learn the secret paths from, every string in it is masked.
   */
  maskSecretsOf(config: unknown): void {
    this.#mask.add(this.#secretPaths ? secretValues(config, this.#secretPaths) : stringLeaves(config));
  }

  spec(): Promise<ConnectorSpecification> {
    this.#spec ??= this.#cachedSpec();
    return this.#spec;
  }

  /** The spec from the cache when this build of the connector has answered before, else from the connector. */
  async #cachedSpec(): Promise<ConnectorSpecification> {
    const cache = this.options.specCache;
    const launcherIdentity = cache ? await this.launcher.identity?.() : undefined;
    // The variables the user passes may change what the connector answers: they are part of the key.
    const identity = launcherIdentity === undefined ? undefined : JSON.stringify([launcherIdentity, this.options.env ?? {}]);
    if (cache && identity !== undefined) {
      const cached = await cache.get(identity);
      if (cached) {
        this.logger.debug('spec from the cache');
        return cached;
      }
    }
    const spec = (await this.#runToMessage('spec', {}, 'SPEC')).spec!;
    if (cache && identity !== undefined) await cache.put(identity, spec);
    return spec;
  }

  /**
   * Validates `config` against the connector's spec (`label` names it in errors, e.g. the file) and remembers
   * its secrets for redaction. Returns the config with secrets masked, for printing.
   */
  async prepareConfig(config: unknown, label: string): Promise<unknown> {
    const spec = await this.spec();
    const schema = spec.connectionSpecification as Record<string, unknown>;
    const paths = secretPaths(schema);
    this.#secretPaths = paths;
    this.#mask.add(secretValues(config, paths));
    const stamp = configStamp(schema, config);
    const cache = this.options.specCache;
    if (cache && (await cache.wasValidated(stamp))) {
      this.logger.debug('config valid: the same config passed against the same spec before');
    } else {
      const issues = validateAgainstSchema(schema, config);
      if (issues.length > 0) {
        throw new SluiceError('config.invalid', this.#mask.redact(formatIssues(issues, label)), {
          hint: `see the spec: sluice spec ${this.name}`,
        });
      }
      await cache?.rememberValidated(stamp);
    }
    if (typeof config === 'object' && config !== null) this.#validated.set(config, stamp);
    return maskConfig(config, paths);
  }

  async check(config: unknown, label = 'config'): Promise<AirbyteConnectionStatus> {
    await this.prepareConfig(config, label);
    const message = await this.#runToMessage('check', { config }, 'CONNECTION_STATUS');
    const status = message.connectionStatus!;
    return { ...status, message: status.message === undefined ? undefined : this.#mask.redact(status.message) };
  }

  async discover(config: unknown, label = 'config'): Promise<AirbyteCatalog> {
    await this.prepareConfig(config, label);
    const message = await this.#runToMessage('discover', { config }, 'CATALOG');
    return message.catalog!;
  }

  /**
   * Starts `read`; the caller consumes `running.stdout`. Validate the config first with prepareConfig. A following
   * sync asks for a stdin pipe (committed states go back to the source) and adds its variables (SLUICE_FOLLOW).
   */
  startRead(files: { config: unknown; catalog: ConfiguredAirbyteCatalog; state?: unknown }, options: StartOptions = {}): Promise<StartedConnector> {
    return this.#start('read', files, options.stdin === true, this.options.streamTimeoutMs, options.env);
  }

  /** Starts `write`; the caller writes messages to `running.stdin` and reads echoed states from stdout. */
  startWrite(files: { config: unknown; catalog: ConfiguredAirbyteCatalog }, options: Omit<StartOptions, 'stdin'> = {}): Promise<StartedConnector> {
    return this.#start('write', files, true, this.options.streamTimeoutMs, options.env);
  }

  /**
   * Runs `command` from start to exit: writes `request.input` to its stdin, relays its stdout through the router
   * that `routerFor` builds (given the run's ConnectorOutput, for LOG and TRACE messages and noise), stops the
   * connector when the relay fails, and returns how it ended. It throws only when the connector cannot start.
   */
  async run(command: ProtocolCommand, request: RunRequest, routerFor: (output: ConnectorOutput) => LineRouter): Promise<RunOutcome> {
    const { input, output: sink = null, parseRecords, redact, timeoutMs: requested, ...files } = request;
    const streaming = command === 'read' || command === 'write';
    const timeoutMs = requested ?? (streaming ? this.options.streamTimeoutMs : (this.options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS));
    const output = new ConnectorOutput(this.name, this.logger, redact ?? this.#mask.redact);
    const running = await this.launcher.launch({
      command,
      files,
      stdin: input !== undefined,
      env: this.#envFor(files),
      timeoutMs,
      signal: this.options.signal,
      killGraceMs: this.options.killGraceMs,
      onStderrLine: output.handleStderrLine,
    });
    let streamFailure: Error | undefined;
    let readerLeft = false;
    try {
      if (input !== undefined && running.stdin) {
        if (typeof input === 'function') input(running.stdin);
        else {
          // A connector that exits without reading its input must not crash us with EPIPE.
          running.stdin.on('error', () => undefined);
          running.stdin.end(input.map((line) => `${line}\n`).join(''));
        }
      }
      await relayLines(running.stdout, sink, routerFor(output), { maxLineBytes: this.options.maxLineBytes, parseRecords });
    } catch (error) {
      await running.stop();
      if (error instanceof WritableClosedError) readerLeft = true;
      else streamFailure = this.streamError(command, error) as Error;
    }
    const exit = await running.exited;
    const failure = readerLeft
      ? undefined
      : (streamFailure ??
        this.#failureOrWarning({
          connector: this.name,
          command,
          exit,
          traceError: output.traceError,
          lastErrorLog: output.lastErrorLog,
          stderrTail: output.stderrTail,
          timeoutMs,
        }));
    return { exit, failure, traceError: output.traceError, stderrTail: output.stderrTail, outputClosed: readerLeft };
  }

  /**
   * The user's variables for this connector, the stamp of the config when it is one validated here, and the run's
   * own variables (Sluice's: they win over the user's).
   */
  #envFor(files: ConnectorFiles, extra?: Record<string, string>): Record<string, string> | undefined {
    const config = files.config;
    const stamp = typeof config === 'object' && config !== null ? this.#validated.get(config) : undefined;
    if (stamp === undefined && extra === undefined) return this.options.env;
    return { ...this.options.env, ...(stamp === undefined ? {} : { [CONFIG_STAMP_ENV]: stamp }), ...extra };
  }

  /**
   * The run's failure, if any. A TRACE ERROR is logged only at debug when it arrives (the failure carries it, so it
   * is printed once); from a connector that then exits 0 it is no failure, so it is said here, as a warning.
   */
  #failureOrWarning(outcome: Parameters<typeof failureOf>[0]): SluiceError | undefined {
    const failure = failureOf(outcome);
    if (failure === undefined && outcome.traceError !== undefined) {
      this.logger.warn({ connector: this.name }, `connector ${this.name} (${outcome.command}) reported an error but exited 0: ${outcome.traceError.message}`);
    }
    return failure;
  }

  async #start(command: ProtocolCommand, files: ConnectorFiles, stdin: boolean, timeoutMs = this.options.streamTimeoutMs, env?: Record<string, string>): Promise<StartedConnector> {
    const output = new ConnectorOutput(this.name, this.logger, this.#mask.redact);
    const running = await this.launcher.launch({
      command,
      files,
      stdin,
      env: this.#envFor(files, env),
      timeoutMs,
      signal: this.options.signal,
      killGraceMs: this.options.killGraceMs,
      onStderrLine: output.handleStderrLine,
    });
    const failureAfterExit = async () =>
      this.#failureOrWarning({
        connector: this.name,
        command,
        exit: await running.exited,
        traceError: output.traceError,
        lastErrorLog: output.lastErrorLog,
        stderrTail: output.stderrTail,
        timeoutMs,
      });
    const finish = async (): Promise<void> => {
      const failure = await failureAfterExit();
      if (failure) throw failure;
    };
    return { running, output, finish, failureAfterExit };
  }

  async #runToMessage(command: ProtocolCommand, files: ConnectorFiles, wanted: AirbyteMessage['type']): Promise<AirbyteMessage> {
    const { running, output, failureAfterExit } = await this.#start(command, files, false, this.options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS);
    let found: AirbyteMessage | undefined;
    try {
      for await (const item of readMessages(running.stdout, { maxLineBytes: this.options.maxLineBytes })) {
        if (item.kind === 'noise') output.handleNoise(item.text, item.reason, item.lineNumber);
        else if (item.message.type !== wanted) output.handleSideMessage(item.message);
        else if (found) this.logger.warn(`the connector sent more than one ${wanted} message; the first one is used`);
        else found = item.message;
      }
    } catch (error) {
      await running.stop();
      throw this.streamError(command, error);
    }
    const failure = await failureAfterExit();
    const exit = await running.exited;
    // A check that reports FAILED and exits non-zero still answered the question; report its answer.
    if (failure && !(found && command === 'check' && exit.exitCode !== null && !exit.timedOut)) throw failure;
    if (!found) {
      const explanation = output.traceError ? `: ${output.traceError.message}` : '';
      throw new SluiceError('connector.no_output', `connector ${this.name} (${command}) exited without a ${wanted} message${explanation}`, {
        hint: output.noiseLines > 0 ? `it printed ${output.noiseLines} line(s) that were not protocol messages; see the log` : undefined,
      });
    }
    return found;
  }

  /** Names the connector in an error met while reading its output. */
  streamError(command: ProtocolCommand, error: unknown): unknown {
    if (error instanceof LineTooLongError) {
      return new SluiceError(
        'connector.line_too_long',
        `connector ${this.name} (${command}) wrote a line of more than ${error.limitBytes} bytes`,
        { cause: error, hint: 'raise --max-line-bytes if such messages are expected' },
      );
    }
    return error;
  }
}

function stringLeaves(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'object' && value !== null) for (const child of Object.values(value)) stringLeaves(child, out);
  return out;
}
