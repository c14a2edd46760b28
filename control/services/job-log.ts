// Owns a job's log: the sync's pino lines for one job go to a JSON-lines file under the workspace
// (logs/job-N.log, referenced from the job row), and optionally also to the caller's stream (the CLI's stderr).
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
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

/**
 * The complete lines written to the job's log since byte `offset` (a line still being written waits for the next
 * read), and the offset to read from next time: for following a log while the job runs.
 */
export function readJobLogFrom(path: string | null, offset: number): { lines: string[]; offset: number } {
  if (!path || !existsSync(path)) return { lines: [], offset };
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size <= offset) return { lines: [], offset };
    const buffer = Buffer.alloc(size - offset);
    const read = readSync(fd, buffer, 0, buffer.length, offset);
    const end = buffer.lastIndexOf(0x0a, read - 1);
    if (end < 0) return { lines: [], offset };
    const lines = buffer.subarray(0, end).toString('utf8').split('\n').filter((line) => line.trim() !== '');
    return { lines, offset: offset + end + 1 };
  } finally {
    closeSync(fd);
  }
}

/** A stored log line as an object: the pino JSON line, or `{msg}` for a line that is not JSON. */
export function parseLogLine(line: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(line);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { msg: line };
  } catch {
    return { msg: line };
  }
}

/** The file keeps at least info, so `sluice logs` has the story even when the terminal was quiet. */
function minLevel(level: LogLevel): Level {
  return level === 'trace' || level === 'debug' ? level : 'info';
}
