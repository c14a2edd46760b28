// Owns a job's log: the sync's pino lines for one job, each masked with the job's redactor as it is written, go to
// the store (job_log_chunks, through job-log-writer.ts: appended every SLUICE_JOB_LOG_FLUSH_MS, default one second,
// at most SLUICE_JOB_LOG_MAX_BYTES, default 16 MiB, per job), and optionally also to the caller's stream (the
// CLI's stderr). Reading a job's log reads the store, or for a job that ran before logs were stored, its file.
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { describeError } from '../../runtime/errors.js';
import type { LogLevel } from '../../runtime/logger.js';
import { noRedaction, type Redactor } from '../../runtime/secrets.js';
import type { JobLogRepo } from '../store/job-log-repo.js';
import type { Job } from '../store/records.js';
import { readJobLogFile } from './job-log-file.js';
import { JobLogWriter } from './job-log-writer.js';

export const DEFAULT_FLUSH_MS = 1000;
export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

export interface JobLogger {
  logger: Logger;
  /** Writes to the job's stored log only: for the job's failure, which the caller reports itself (log or throw, not both). */
  storedLogger: Logger;
  /** Masks these secrets in every line from now on (the connection's configs are known once loaded). */
  maskSecrets(redact: Redactor): void;
  /** Stores what is still buffered; lines logged after it are dropped. Never rejects. */
  close(): Promise<void>;
}

export interface JobLoggerOptions {
  level?: LogLevel;
  echo?: DestinationStream;
  jobId: number;
  connection: string;
  env?: NodeJS.ProcessEnv;
  /** Where the first failure to store the log is reported (default: this process's stderr); the text is masked. */
  warn?: (message: string) => void;
}

export function createJobLogger(logs: JobLogRepo, options: JobLoggerOptions): JobLogger {
  const env = options.env ?? process.env;
  const { jobId, connection } = options;
  const maxBytes = positive(env['SLUICE_JOB_LOG_MAX_BYTES'], DEFAULT_MAX_BYTES);
  const warn = options.warn ?? ((message: string) => void process.stderr.write(`sluice: warning: ${message}\n`));
  let redact: Redactor = noRedaction;
  const writer = new JobLogWriter({
    append: (seq, text) => logs.append(jobId, seq, text),
    recordDropped: (lines, bytes) => logs.recordDropped(jobId, lines, bytes),
    droppedLine: (lines, bytes) => droppedLine({ jobId, connection, maxBytes, lines, bytes }),
    onFirstFailure: (error) => warn(redact(`storing the log of job ${jobId} failed; the job goes on, lines that could not be stored are lost: ${describeError(error)}`)),
    flushMs: positive(env['SLUICE_JOB_LOG_FLUSH_MS'], DEFAULT_FLUSH_MS),
    maxBytes,
  });
  const level = options.level ?? 'info';
  const streams: pino.StreamEntry[] = [{ stream: { write: (line: string) => writer.write(redact(line)) }, level: minLevel(level) }];
  const echo = options.echo;
  if (echo && level !== 'silent') streams.push({ stream: { write: (line: string) => echo.write(redact(line)) }, level });
  const base = { job: jobId, connection };
  return {
    logger: pino({ level: minLevel(level), base }, pino.multistream(streams)),
    storedLogger: pino({ level: minLevel(level), base }, pino.multistream([streams[0]!])),
    maskSecrets: (redactor) => {
      redact = redactor;
    },
    close: () => writer.close(),
  };
}

/** The job's log lines (JSON lines, as stored), [] when it has none (yet). */
export async function readJobLog(logs: JobLogRepo, job: Job): Promise<string[]> {
  return (await readJobLogFrom(logs, job, 0)).lines;
}

/**
 * The lines stored for the job after `offset`, and the offset to read from next time: for following a log while
 * the job runs. The offset is the last chunk's seq read (a byte offset in the file of a job from before).
 */
export async function readJobLogFrom(logs: JobLogRepo, job: Job, offset: number): Promise<{ lines: string[]; offset: number }> {
  // A job from before has a file and no chunks; a job since has chunks (or none yet) and no file.
  if (job.logPath !== null && !(await logs.has(job.id))) return readJobLogFile(job.logPath, offset);
  const chunks = await logs.readFrom(job.id, offset);
  const lines = chunks.flatMap((chunk) => chunk.text.split('\n').filter((line) => line.trim() !== ''));
  return { lines, offset: chunks.at(-1)?.seq ?? offset };
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

/** The last line of a log that reached its cap: a warning in the pino shape of the job's other lines. */
function droppedLine(at: { jobId: number; connection: string; maxBytes: number; lines: number; bytes: number }): string {
  const msg = `the job's log reached its cap of ${at.maxBytes} bytes (SLUICE_JOB_LOG_MAX_BYTES): ${at.lines} more line(s), ${at.bytes} bytes, were dropped`;
  return `${JSON.stringify({ level: 40, time: Date.now(), job: at.jobId, connection: at.connection, msg })}\n`;
}

function positive(value: string | undefined, fallback: number): number {
  const number = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(number) && number > 0 ? number : fallback;
}

/** The stored log keeps at least info, so `sluice logs` has the story even when the terminal was quiet. */
function minLevel(level: LogLevel): Level {
  return level === 'trace' || level === 'debug' ? level : 'info';
}
