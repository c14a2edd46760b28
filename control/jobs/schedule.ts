// Owns reading a connection's schedule: an interval (`every 30s`, `every 15m`, `every 2h`, `every 1d`), a cron
// expression (5 fields, or 6 with seconds first; croner's syntax), or `continuous` (one following job kept running:
// control/jobs/continuous.ts), and when an interval or cron next fires after a given time.
import { Cron } from 'croner';
import { SluiceError } from '../../runtime/errors.js';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export const CONTINUOUS = 'continuous';

export type Schedule = { kind: 'interval'; everyMs: number } | { kind: 'cron'; cron: Cron } | { kind: 'continuous' };

export function parseSchedule(text: string): Schedule {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === CONTINUOUS) return { kind: 'continuous' };
  const interval = /^every\s+(\d+)\s*([smhd])$/i.exec(trimmed);
  if (interval) {
    const everyMs = Number(interval[1]) * UNITS[interval[2]!.toLowerCase()]!;
    if (everyMs <= 0) throw invalid(text, 'the interval must be positive');
    return { kind: 'interval', everyMs };
  }
  try {
    return { kind: 'cron', cron: new Cron(trimmed, { paused: true }) };
  } catch (error) {
    throw invalid(text, (error as Error).message);
  }
}

/** Checks a schedule and returns it normalised (trimmed), or null for none. */
export function normalizeSchedule(text: string | null | undefined): string | null {
  if (text === undefined || text === null || text.trim() === '' || text.trim() === 'manual') return null;
  return parseSchedule(text).kind === 'continuous' ? CONTINUOUS : text.trim();
}

/** Whether a stored schedule keeps a following job running. */
export function isContinuous(schedule: string | null): boolean {
  return schedule !== null && schedule.trim().toLowerCase() === CONTINUOUS;
}

/**
 * When the schedule next fires: an interval counts from the last run (or fires now without one). A continuous
 * schedule has no firing time: its job is restarted by continuous.ts's rule, so this says "now".
 */
export function nextRunAt(schedule: Schedule, lastRunAt: number | undefined, now: number): number {
  if (schedule.kind === 'continuous') return now;
  if (schedule.kind === 'interval') return lastRunAt === undefined ? now : lastRunAt + schedule.everyMs;
  const from = new Date(lastRunAt === undefined ? now : Math.max(lastRunAt, now - 1000));
  return schedule.cron.nextRun(from)?.getTime() ?? Number.POSITIVE_INFINITY;
}

function invalid(text: string, reason: string): SluiceError {
  return new SluiceError('schedule.invalid', `schedule "${text}": ${reason}`, {
    hint: 'use an interval such as "every 15m", a cron expression such as "0 * * * *", or "continuous"',
  });
}
