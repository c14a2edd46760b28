// Owns Sluice's log: pino, always on stderr (stdout of a protocol command carries protocol messages only),
// human-readable on a terminal and JSON lines otherwise.
import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger, type Level } from 'pino';

export type { Logger };

import type { LogLevel } from './log-levels.js';
export { LOG_LEVELS, type LogLevel } from './log-levels.js';

export interface LoggerOptions {
  level?: LogLevel;
  /** Human-readable lines instead of JSON; defaults to whether stderr is a terminal. */
  pretty?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const human = options.pretty ?? process.stderr.isTTY === true;
  if (human) {
    // Loaded only for a terminal: scripts and pipes never pay for it.
    const pretty = createRequire(import.meta.url)('pino-pretty') as (options: object) => DestinationStream;
    const stream = pretty({ destination: 2, sync: true, colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' });
    return pino({ level, base: undefined }, stream);
  }
  return pino({ level, base: undefined }, pino.destination({ dest: 2, sync: true }));
}

/** A logger that drops everything, for library callers that pass none. */
export const silentLogger: Logger = pino({ level: 'silent' });

/** Maps an Airbyte LOG level to ours. */
export function levelOfConnectorLog(level: string | undefined): Level {
  switch (level) {
    case 'FATAL':
      return 'fatal';
    case 'ERROR':
      return 'error';
    case 'WARN':
      return 'warn';
    case 'DEBUG':
      return 'debug';
    case 'TRACE':
      return 'trace';
    default:
      return 'info';
  }
}
