// Owns the schedule as a person edits it (manual, every N units, a cron expression, or continuous) and its mapping
// to the API's schedule string (control/jobs/schedule.ts: `every 15m`, a 5- or 6-field cron expression, `continuous`,
// or null for manual), both ways, with the problem to show when the input cannot become a schedule. No React here.
import cronstrue from 'cronstrue';

export type ScheduleKind = 'manual' | 'interval' | 'cron' | 'continuous';
export type IntervalUnit = 's' | 'm' | 'h' | 'd';

export interface ScheduleInput {
  kind: ScheduleKind;
  /** For an interval: how many units; kept as typed so a half-typed number does not jump. */
  every: string;
  unit: IntervalUnit;
  cron: string;
}

export const INTERVAL_UNITS: { value: IntervalUnit; label: string }[] = [
  { value: 'm', label: 'minutes' },
  { value: 'h', label: 'hours' },
  { value: 'd', label: 'days' },
  { value: 's', label: 'seconds' },
];

export const DEFAULT_SCHEDULE_INPUT: ScheduleInput = { kind: 'manual', every: '1', unit: 'h', cron: '0 * * * *' };

const INTERVAL = /^every\s+(\d+)\s*([smhd])$/i;

/** The API's schedule text of a continuous connection: one following job always running (issue 15). */
export const CONTINUOUS = 'continuous';

/** True when a stored schedule is continuous. */
export const isContinuous = (schedule: string | null | undefined): boolean => schedule?.trim().toLowerCase() === CONTINUOUS;

/** The API's schedule string for an input (null = manual), or undefined when the input has a problem. */
export function scheduleString(input: ScheduleInput): string | null | undefined {
  if (scheduleProblem(input)) return undefined;
  if (input.kind === 'manual') return null;
  if (input.kind === 'continuous') return CONTINUOUS;
  if (input.kind === 'interval') return `every ${Number(input.every)}${input.unit}`;
  return input.cron.trim().replace(/\s+/g, ' ');
}

/** Reads a stored schedule back into the editor's fields. */
export function scheduleInput(schedule: string | null | undefined): ScheduleInput {
  const text = schedule?.trim() ?? '';
  if (text === '' || text === 'manual') return { ...DEFAULT_SCHEDULE_INPUT };
  if (isContinuous(text)) return { ...DEFAULT_SCHEDULE_INPUT, kind: 'continuous' };
  const interval = INTERVAL.exec(text);
  if (interval) return { ...DEFAULT_SCHEDULE_INPUT, kind: 'interval', every: String(Number(interval[1])), unit: interval[2]!.toLowerCase() as IntervalUnit };
  return { ...DEFAULT_SCHEDULE_INPUT, kind: 'cron', cron: text };
}

/** What continuous means, in one line for the schedule editor. */
export const CONTINUOUS_EXPLANATION =
  'Continuously: changes replicate within seconds from a source that follows (e.g. PostgreSQL CDC); others run back to back.';

/** What is wrong with the input, in words for the form; undefined when it makes a schedule. */
export function scheduleProblem(input: ScheduleInput): string | undefined {
  if (input.kind === 'manual' || input.kind === 'continuous') return undefined;
  if (input.kind === 'interval') {
    if (!/^\d+$/.test(input.every.trim()) || Number(input.every) <= 0) return 'The interval must be a whole number above 0.';
    return undefined;
  }
  const fields = input.cron.trim().split(/\s+/).filter((part) => part !== '');
  if (fields.length !== 5 && fields.length !== 6) return 'A cron expression has 5 fields (minute hour day month weekday), or 6 with seconds first.';
  try {
    cronstrue.toString(fields.join(' '), { throwExceptionOnParseError: true });
  } catch (error) {
    return `Not a valid cron expression: ${String(error).replace(/^Error:\s*/, '')}`;
  }
  return undefined;
}

/** The schedule in words: "Every 15 minutes", "At 02:00 AM", "Only when started by hand". */
export function describeSchedule(input: ScheduleInput): string {
  if (scheduleProblem(input)) return '';
  if (input.kind === 'manual') return 'Only when started by hand (Sync now, the CLI or the API).';
  if (input.kind === 'continuous') return CONTINUOUS_EXPLANATION;
  if (input.kind === 'interval') {
    const count = Number(input.every);
    const unit = INTERVAL_UNITS.find((item) => item.value === input.unit)!.label;
    return `Every ${count === 1 ? unit.replace(/s$/, '') : `${count} ${unit}`}, counted from the last run.`;
  }
  // Cron runs in the server's time zone (croner's default), which the browser cannot know.
  return `${cronstrue.toString(input.cron.trim(), { use24HourTimeFormat: true, verbose: false })} (server time).`;
}

/** A stored schedule in words, for read-only places (the connection page's header). */
export function describeStoredSchedule(schedule: string | null | undefined): string {
  const input = scheduleInput(schedule);
  if (input.kind === 'manual') return 'Manual only';
  if (input.kind === 'continuous') return 'Continuous (real-time)';
  return describeSchedule(input) || (schedule ?? 'manual');
}
