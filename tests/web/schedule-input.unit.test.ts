// The dashboard's pure helpers: the schedule editor's mapping to the API's schedule string (and back), continuous
// included, a following job's figures, and the sync mode combinations, defaults, pickers and request body of the
// new-connection stream table.
import { describe, expect, it } from 'vitest';
import { normalizeSchedule, parseSchedule } from '../../control/jobs/schedule.js';
import { lag } from '../../web/src/format.js';
import { followOf, isFollowing, isLagging } from '../../web/src/lib/follow.js';
import {
  DEFAULT_SCHEDULE_INPUT, describeSchedule, describeStoredSchedule, scheduleInput, scheduleProblem, scheduleString, type ScheduleInput,
} from '../../web/src/lib/schedule-input.js';
import {
  choiceProblems, defaultChoice, needsCursorPicker, needsPrimaryKeyPicker, streamsRequest, syncModeOptions, topLevelFields,
  type DiscoveredStream,
} from '../../web/src/lib/sync-modes.js';

const input = (change: Partial<ScheduleInput>): ScheduleInput => ({ ...DEFAULT_SCHEDULE_INPUT, ...change });

describe('schedule input', () => {
  it('maps manual to no schedule, an interval to "every N<unit>", and a cron expression to itself, trimmed', () => {
    expect(scheduleString(input({ kind: 'manual' }))).toBeNull();
    expect(scheduleString(input({ kind: 'interval', every: '15', unit: 'm' }))).toBe('every 15m');
    expect(scheduleString(input({ kind: 'interval', every: '02', unit: 'h' }))).toBe('every 2h');
    expect(scheduleString(input({ kind: 'cron', cron: '  0   2 * * 1-5 ' }))).toBe('0 2 * * 1-5');
  });

  it('builds strings the server accepts', () => {
    for (const value of [input({ kind: 'interval', every: '30', unit: 's' }), input({ kind: 'interval', every: '1', unit: 'd' }), input({ kind: 'cron', cron: '*/5 * * * *' }), input({ kind: 'cron', cron: '0 0 3 * * *' })]) {
      expect(() => parseSchedule(scheduleString(value)!)).not.toThrow();
    }
  });

  it('reads stored schedules back into the editor', () => {
    expect(scheduleInput(null).kind).toBe('manual');
    expect(scheduleInput('manual').kind).toBe('manual');
    expect(scheduleInput('every 15m')).toMatchObject({ kind: 'interval', every: '15', unit: 'm' });
    expect(scheduleInput('every 2 H')).toMatchObject({ kind: 'interval', every: '2', unit: 'h' });
    expect(scheduleInput('0 * * * *')).toMatchObject({ kind: 'cron', cron: '0 * * * *' });
    for (const stored of ['every 45s', 'every 6h', '15 3 * * 0']) expect(scheduleString(scheduleInput(stored))).toBe(stored);
  });

  it('names the problem of an input that cannot be a schedule, and builds nothing from it', () => {
    expect(scheduleProblem(input({ kind: 'interval', every: '0' }))).toBe('The interval must be a whole number above 0.');
    expect(scheduleProblem(input({ kind: 'interval', every: '1.5' }))).toBe('The interval must be a whole number above 0.');
    expect(scheduleProblem(input({ kind: 'cron', cron: '* * *' }))).toMatch(/^A cron expression has 5 fields/);
    expect(scheduleProblem(input({ kind: 'cron', cron: '99 * * * *' }))).toMatch(/^Not a valid cron expression/);
    expect(scheduleString(input({ kind: 'cron', cron: '* * *' }))).toBeUndefined();
  });

  it('says the schedule in words', () => {
    expect(describeSchedule(input({ kind: 'interval', every: '1', unit: 'h' }))).toBe('Every hour, counted from the last run.');
    expect(describeSchedule(input({ kind: 'interval', every: '15', unit: 'm' }))).toBe('Every 15 minutes, counted from the last run.');
    expect(describeSchedule(input({ kind: 'cron', cron: '30 2 * * *' }))).toBe('At 02:30 (server time).');
    expect(describeSchedule(input({ kind: 'manual' }))).toMatch(/^Only when started by hand/);
    expect(describeSchedule(input({ kind: 'continuous' }))).toBe(
      'Continuously: changes replicate within seconds from a source that follows (e.g. PostgreSQL CDC); others run back to back.');
  });

  it('maps continuous to "continuous" both ways, a schedule the server accepts and reads back the same', () => {
    expect(scheduleString(input({ kind: 'continuous' }))).toBe('continuous');
    expect(scheduleProblem(input({ kind: 'continuous' }))).toBeUndefined();
    expect(scheduleInput('continuous').kind).toBe('continuous');
    expect(scheduleInput(' Continuous ').kind).toBe('continuous');
    expect(describeStoredSchedule('continuous')).toBe('Continuous (real-time)');
    expect(normalizeSchedule(' Continuous ')).toBe('continuous');
    expect(parseSchedule(scheduleString(input({ kind: 'continuous' }))!).kind).toBe('continuous');
  });
});

describe('follow figures', () => {
  it('formats a lag in tenths of a second under a minute (less than a tenth said so), and colours it past 5 s', () => {
    expect([lag(400), lag(50), lag(49), lag(-3), lag(12_345), lag(90_000)]).toEqual(['0.4 s', '0.1 s', '< 0.1 s', '< 0.1 s', '12.3 s', '1 min 30 s']);
    expect([isLagging(undefined), isLagging(5_000), isLagging(5_001)]).toEqual([false, false, true]);
  });

  it('takes the freshest figures (the progress event\'s, else the job\'s), and tells a following job by its figures or its connection', () => {
    const figures = { changesPerSecond: 5, restarts: 0, streams: {} };
    const fresher = { ...figures, changesPerSecond: 6 };
    expect(followOf({ follow: figures }, { follow: fresher })).toBe(fresher);
    expect(followOf({ follow: figures }, {})).toBe(figures);
    expect(followOf({ follow: null }, { follow: null })).toBeUndefined();
    expect([isFollowing('continuous', undefined), isFollowing('every 1h', { follow: figures }), isFollowing('every 1h', { follow: null }), isFollowing(null, undefined)])
      .toEqual([true, true, false, false]);
  });
});

const withKeys: DiscoveredStream = {
  name: 'users',
  json_schema: { type: 'object', properties: { id: {}, updated_at: {}, name: {} } },
  supported_sync_modes: ['full_refresh', 'incremental'],
  source_defined_cursor: true,
  default_cursor_field: ['updated_at'],
  source_defined_primary_key: [['id']],
};
const bare: DiscoveredStream = {
  name: 'events',
  namespace: 'app',
  json_schema: { type: 'object', properties: { seq: {}, at: {}, kind: {} } },
  supported_sync_modes: ['full_refresh', 'incremental'],
};
const fullRefreshOnly: DiscoveredStream = { name: 'lookup', json_schema: { type: 'object', properties: { code: {} } }, supported_sync_modes: ['full_refresh'] };
const noProperties: DiscoveredStream = { name: 'blob', json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh', 'incremental'] };

describe('sync mode combinations', () => {
  it('offers every combination a stream with a cursor and a key supports', () => {
    expect(syncModeOptions(withKeys).map((option) => option.label)).toEqual([
      'Full refresh | Overwrite', 'Full refresh | Append', 'Full refresh | Append + dedup',
      'Incremental | Overwrite', 'Incremental | Append', 'Incremental | Append + dedup',
    ]);
  });

  it('offers no incremental to a full-refresh-only stream, and no incremental or dedup without fields to pick', () => {
    expect(syncModeOptions(fullRefreshOnly).map((option) => option.value)).toEqual(['full_refresh:overwrite', 'full_refresh:append', 'full_refresh:append_dedup']);
    expect(syncModeOptions(noProperties).map((option) => option.value)).toEqual(['full_refresh:overwrite', 'full_refresh:append']);
  });

  it('offers only the destination modes the destination accepts, when it says', () => {
    expect(syncModeOptions(withKeys, ['overwrite', 'append']).map((option) => option.value)).toEqual([
      'full_refresh:overwrite', 'full_refresh:append', 'incremental:overwrite', 'incremental:append',
    ]);
  });

  it('starts from the mode the server picks by itself', () => {
    expect(defaultChoice(withKeys)).toEqual({ selected: true, mode: 'incremental:append_dedup', cursor: 'updated_at', primaryKey: [] });
    expect(defaultChoice(bare).mode).toBe('full_refresh:overwrite');
    expect(defaultChoice(withKeys, ['overwrite']).mode).toBe('full_refresh:overwrite');
  });

  it('shows a cursor and a key picker only where the source defines none, listing the top-level fields', () => {
    expect(topLevelFields(bare)).toEqual(['at', 'kind', 'seq']);
    const choice = { selected: true, mode: 'incremental:append_dedup', cursor: '', primaryKey: [] };
    expect(needsCursorPicker(bare, choice)).toBe(true);
    expect(needsPrimaryKeyPicker(bare, choice)).toBe(true);
    expect(needsCursorPicker(withKeys, choice)).toBe(false);
    expect(needsPrimaryKeyPicker(withKeys, choice)).toBe(false);
    expect(needsCursorPicker(bare, { ...choice, mode: 'full_refresh:append' })).toBe(false);
    expect(choiceProblems(bare, choice)).toEqual([
      'Pick a cursor field for stream app.events (incremental needs one).',
      'Pick a primary key for stream app.events (dedup needs one).',
    ]);
    expect(choiceProblems(bare, { ...choice, cursor: 'at' })).toEqual(['Pick a primary key for stream app.events (dedup needs one).']);
    expect(choiceProblems(bare, { ...choice, cursor: 'at', primaryKey: ['seq'] })).toEqual([]);
    expect(choiceProblems(bare, { ...choice, selected: false })).toEqual([]);
  });

  it('turns the choices into the create body: selected streams, each with its mode and picked fields', () => {
    const request = streamsRequest([withKeys, bare, fullRefreshOnly], {
      users: defaultChoice(withKeys),
      'app.events': { selected: true, mode: 'incremental:append_dedup', cursor: 'at', primaryKey: ['seq', 'kind'] },
      lookup: { ...defaultChoice(fullRefreshOnly), selected: false },
    });
    expect(request).toEqual({
      streams: ['users', 'app.events'],
      overrides: {
        users: { syncMode: 'incremental', destinationSyncMode: 'append_dedup' },
        'app.events': { syncMode: 'incremental', destinationSyncMode: 'append_dedup', cursorField: ['at'], primaryKey: [['seq'], ['kind']] },
      },
    });
  });
});
