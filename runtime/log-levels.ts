// Owns the names of Sluice's log levels (kept apart from the logger so that the CLI can list them without loading it).
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
