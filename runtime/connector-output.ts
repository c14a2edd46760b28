// Owns what happens to the output of a connector that is not data: its LOG messages and stray stdout lines go
// to our log (redacted), TRACE messages are kept for the caller, stderr is logged and its tail remembered.
import type { Logger } from './logger.js';
import { levelOfConnectorLog } from './logger.js';
import type { Redactor } from './secrets.js';
import type { AirbyteErrorTraceMessage, AirbyteMessage } from '../protocol/types.generated.js';

const STDERR_TAIL_LINES = 20;

export class ConnectorOutput {
  /** The last TRACE ERROR seen. */
  traceError: AirbyteErrorTraceMessage | undefined;
  readonly stderrTail: string[] = [];
  noiseLines = 0;

  constructor(
    readonly connector: string,
    /** A logger already bound to the connector's name. */
    readonly logger: Logger,
    readonly redact: Redactor,
  ) {}

  /** Logs a LOG message, records a TRACE ERROR; returns true when it handled the message. */
  handleSideMessage(message: AirbyteMessage): boolean {
    if (message.type === 'LOG' && message.log) {
      const level = levelOfConnectorLog(message.log.level);
      this.logger[level](this.redact(message.log.message));
      return true;
    }
    if (message.type === 'TRACE' && message.trace?.type === 'ERROR' && message.trace.error) {
      const error = message.trace.error;
      this.traceError = { ...error, message: this.redact(error.message) };
      this.logger.error(
        { failureType: error.failure_type },
        this.redact(error.internal_message ? `${error.message} (${error.internal_message})` : error.message),
      );
      return true;
    }
    return false;
  }

  /**
   * A stdout line that is not a protocol message (`line` counts from 1): connectors print logs there too. One
   * that looked like a RECORD but was not forwarded is a warning: a record the destination will not get.
   */
  handleNoise(text: string, reason: string, line?: number): void {
    this.noiseLines++;
    const level = reason.startsWith('RECORD ') ? 'warn' : 'info';
    this.logger[level]({ stdout: true, reason, line }, this.redact(truncate(text)));
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
