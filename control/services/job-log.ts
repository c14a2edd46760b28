// Owns a job's log: the sync's pino lines for one job go to a JSON-lines file under the workspace
// (logs/job-N.log, referenced from the job row), and optionally also to the caller's stream (the CLI's stderr).
import { readFileSync, existsSync } from 'node:fs';
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import type { LogLevel } from '../../runtime/logger.js';
import { noRedaction, type Redactor } from '../../runtime/secrets.js';

export interface JobLogger {
  logger: Logger;
  /** Writes to the job's file only: for the job's failure, which the caller reports itself (log or throw, not both). */
  fileLogger: Logger;
  /** Masks these secrets in every line from now on (the connection's configs are known once loaded). */
  maskSecrets(redact: Redactor): void;
  close(): void;
}

export function createJobLogger(path: string, options: { level?: LogLevel; echo?: DestinationStream; jobId: number; connection: string }): JobLogger {
  const file = pino.destination({ dest: path, sync: true, mkdir: true });
  let closed = false;
  // A connector that is still being stopped may log after the job ended: such lines are dropped, not thrown.
  let redact: Redactor = noRedaction;
  const guarded = { write: (line: string): void => void (closed ? undefined : file.write(redact(line))) };
  const level = options.level ?? 'info';
  const streams: pino.StreamEntry[] = [{ stream: guarded, level: minLevel(level) }];
  const echo = options.echo;
  if (echo && level !== 'silent') streams.push({ stream: { write: (line: string) => echo.write(redact(line)) }, level });
  const base = { job: options.jobId, connection: options.connection };
  const logger = pino({ level: minLevel(level), base }, pino.multistream(streams));
  const fileLogger = pino({ level: minLevel(level), base }, pino.multistream([streams[0]!]));
  return {
    logger,
    fileLogger,
    maskSecrets: (redactor) => {
      redact = redactor;
    },
    close: () => {
      if (closed) return;
      closed = true;
      file.flushSync();
      file.end();
    },
  };
}

/** The job's log lines, or [] when there is no log (yet). */
export function readJobLog(path: string | null): string[] {
  if (!path || !existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((line) => line.trim() !== '');
}

/** The file keeps at least info, so `sluice logs` has the story even when the terminal was quiet. */
function minLevel(level: LogLevel): Level {
  return level === 'trace' || level === 'debug' ? level : 'info';
}
