// Owns reading a connection's schedule: an interval (`every 30s`, `every 15m`, `every 2h`, `every 1d`), a cron
// expression (5 fields, or 6 with seconds first; croner's syntax) or `continuous` (issue 15: one following job always
// running, kept by the scheduler, not fired by time), and when it next fires after a given time.
import { Cron } from 'croner';
import { SluiceError } from '../../runtime/errors.js';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export type Schedule = { kind: 'interval'; everyMs: number } | { kind: 'cron'; cron: Cron } | { kind: 'continuous' };

export function parseSchedule(text: string): Schedule {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'continuous') return { kind: 'continuous' };
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
  return parseSchedule(text).kind === 'continuous' ? 'continuous' : text.trim();
}

/** When the schedule next fires: an interval counts from the last run (or fires now without one). */
export function nextRunAt(schedule: Schedule, lastRunAt: number | undefined, now: number): number {
  // A continuous connection is not fired by time: its following job is kept running (the scheduler's job).
  if (schedule.kind === 'continuous') return Number.POSITIVE_INFINITY;
  if (schedule.kind === 'interval') return lastRunAt === undefined ? now : lastRunAt + schedule.everyMs;
  const from = new Date(lastRunAt === undefined ? now : Math.max(lastRunAt, now - 1000));
  return schedule.cron.nextRun(from)?.getTime() ?? Number.POSITIVE_INFINITY;
}

function invalid(text: string, reason: string): SluiceError {
  return new SluiceError('schedule.invalid', `schedule "${text}": ${reason}`, {
    hint: 'use an interval such as "every 15m", a cron expression such as "0 * * * *", or "continuous"',
  });
}
