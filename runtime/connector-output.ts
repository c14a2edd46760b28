// Owns what happens to the output of a connector that is not data: its LOG messages and stray stdout lines go
// to our log (redacted), TRACE messages and the last ERROR-level LOG are kept for the caller (a TRACE ERROR is
// reported by the run's failure, logged only at debug), stderr is logged and
// its tail remembered (the explanation of a failure, runtime/connector-failure.ts).
import type { Logger } from './logger.js';
import { levelOfConnectorLog } from './logger.js';
import type { Redactor } from './secrets.js';
import type { AirbyteErrorTraceMessage, AirbyteMessage } from '../protocol/types.generated.js';
import { traceProblem } from '../protocol/message-checks.js';
import { SluiceError } from './errors.js';

const STDERR_TAIL_LINES = 50;

export class ConnectorOutput {
  /** The last TRACE ERROR seen. */
  traceError: AirbyteErrorTraceMessage | undefined;
  /** The last LOG message at level ERROR or FATAL, redacted. */
  lastErrorLog: string | undefined;
  readonly stderrTail: string[] = [];
  noiseLines = 0;

  constructor(
    readonly connector: string,
    /** A logger already bound to the connector's name. */
    readonly logger: Logger,
    /** Called for every line, so it must stay current when secrets are added (SecretMask.redact does). */
    readonly redact: Redactor,
  ) {}

  /** Logs a LOG message, records a TRACE ERROR; returns true when it handled the message. Throws for a malformed TRACE. */
  handleSideMessage(message: AirbyteMessage): boolean {
    if (message.type === 'TRACE') {
      const problem = traceProblem(message.trace as unknown as Record<string, unknown>);
      if (problem !== undefined) throw new SluiceError('connector.protocol_violation', `connector ${this.connector} sent a malformed TRACE message: ${problem}`);
    }
    if (message.type === 'LOG' && message.log) {
      const level = levelOfConnectorLog(message.log.level);
      const text = this.redact(message.log.message);
      if (level === 'error' || level === 'fatal') this.lastErrorLog = text;
      this.logger[level](text);
      return true;
    }
    if (message.type === 'TRACE' && message.trace?.type === 'ERROR' && message.trace.error) {
      const error = message.trace.error;
      this.traceError = {
        ...error,
        message: this.redact(error.message),
        ...(error.internal_message === undefined ? {} : { internal_message: this.redact(error.internal_message) }),
        ...(error.stack_trace === undefined ? {} : { stack_trace: this.redact(error.stack_trace) }),
      };
      // Not logged as an error: the run's failure (runtime/connector-failure.ts) carries this message into the one
      // error line, and logging it too printed it twice. The details only a developer needs stay at debug.
      this.logger.debug(
        { failureType: error.failure_type, trace: true },
        this.redact(error.internal_message ? `${error.message} (${error.internal_message})` : error.message),
      );
      return true;
    }
    return false;
  }

  /** Keeps a LOG message at level ERROR or FATAL as the failure's explanation (for callers that forward LOGs). */
  rememberLog(log: { level: string; message: string }): void {
    if (log.level === 'ERROR' || log.level === 'FATAL') this.lastErrorLog = this.redact(log.message);
  }

  /**
   * A stdout line that is not a protocol message (`line` counts from 1): connectors print logs there too. One
   * that looked like a RECORD but was not forwarded is a warning: a record the destination will not get.
   */
  handleNoise(text: string, reason: string, line?: number): void {
    this.noiseLines++;
    const level = reason.startsWith('RECORD ') ? 'warn' : 'info';
    // Masked before it is cut: a secret across the cut would otherwise show its first characters.
    this.logger[level]({ stdout: true, reason, line }, truncate(this.redact(text)));
  }

  /** Gives to the launcher as onStderrLine. */
  readonly handleStderrLine = (line: string): void => {
    const clean = this.redact(line);
    this.stderrTail.push(truncate(clean));
    if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
    this.logger.info({ stderr: true }, clean);
  };
}

function truncate(text: string, max = 2000): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}
