// Owns editing a schedule: manual, every N minutes/hours/days, a cron expression, or continuous (real-time), with the schedule in words
// (cronstrue) as it is typed and the problem when it cannot be saved. The mapping lives in lib/schedule-input.ts.
import { useId } from 'react';
import { INTERVAL_UNITS, describeSchedule, scheduleProblem, type IntervalUnit, type ScheduleInput, type ScheduleKind } from '../lib/schedule-input';

const KINDS: { value: ScheduleKind; label: string }[] = [
  { value: 'manual', label: 'Manual only' },
  { value: 'interval', label: 'On an interval' },
  { value: 'cron', label: 'On a cron schedule' },
  { value: 'continuous', label: 'Continuous (real-time)' },
];

export function ScheduleFields({ value, onChange }: { value: ScheduleInput; onChange: (value: ScheduleInput) => void }) {
  const id = useId();
  const problem = scheduleProblem(value);
  const set = (change: Partial<ScheduleInput>) => onChange({ ...value, ...change });
  return (
    <fieldset className="fieldset">
      <legend>Schedule</legend>
      <div className="radio-row" role="radiogroup" aria-label="Schedule type">
        {KINDS.map((kind) => (
          <label key={kind.value} className="inline">
            <input type="radio" name={`${id}-kind`} value={kind.value} checked={value.kind === kind.value} onChange={() => set({ kind: kind.value })} />
            {kind.label}
          </label>
        ))}
      </div>
      {value.kind === 'interval' && (
        <div className="field-row">
          <div>
            <label htmlFor={`${id}-every`}>Run every</label>
            <input id={`${id}-every`} type="number" min={1} step={1} value={value.every} onChange={(event) => set({ every: event.target.value })} />
          </div>
          <div>
            <label htmlFor={`${id}-unit`}>Unit</label>
            <select id={`${id}-unit`} value={value.unit} onChange={(event) => set({ unit: event.target.value as IntervalUnit })}>
              {INTERVAL_UNITS.map((unit) => <option key={unit.value} value={unit.value}>{unit.label}</option>)}
            </select>
          </div>
        </div>
      )}
      {value.kind === 'cron' && (
        <div>
          <label htmlFor={`${id}-cron`}>Cron expression</label>
          <input id={`${id}-cron`} className="mono" value={value.cron} spellCheck={false} aria-describedby={`${id}-preview`}
            onChange={(event) => set({ cron: event.target.value })} />
        </div>
      )}
      {problem ? (
        <p role="alert" className="error">{problem}</p>
      ) : (
        <p id={`${id}-preview`} className="muted" aria-live="polite">Runs: {describeSchedule(value)}</p>
      )}
    </fieldset>
  );
}
