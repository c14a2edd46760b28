// Owns editing a connection's settings: schedule, enabled or disabled, and the schema-change policy, saved with
// PATCH /connections/{name}. Starts from the stored values; the API's refusal is shown as it came.
import { useEffect, useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { updateConnection, type ConnectionDetail } from '../lib/connection-api';
import { errorText } from '../lib/error-text';
import { scheduleInput, scheduleProblem, scheduleString } from '../lib/schedule-input';
import { ScheduleFields } from './ScheduleFields';
import { SchemaChangePolicySelect } from './SchemaChangePolicySelect';

export function ConnectionSettings({ connection, onSaved }: { connection: ConnectionDetail; onSaved: (connection: ConnectionDetail) => void }) {
  const [schedule, setSchedule] = useState(() => scheduleInput(connection.schedule));
  const [enabled, setEnabled] = useState(connection.status === 'active');
  const [policy, setPolicy] = useState(connection.schemaChangePolicy);
  // The header's enable/disable button (or another tab) can change the stored values: start again from them.
  useEffect(() => setSchedule(scheduleInput(connection.schedule)), [connection.schedule]);
  useEffect(() => setEnabled(connection.status === 'active'), [connection.status]);
  useEffect(() => setPolicy(connection.schemaChangePolicy), [connection.schemaChangePolicy]);
  const save = useMutation({
    mutationFn: () => updateConnection(connection.name, { schedule: scheduleString(schedule) ?? null, schemaChangePolicy: policy, status: enabled ? 'active' : 'inactive' }),
    onSuccess: onSaved,
  });
  const changed = scheduleString(schedule) !== (connection.schedule ?? null) || enabled !== (connection.status === 'active') || policy !== connection.schemaChangePolicy;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!scheduleProblem(schedule)) save.mutate();
  }
  return (
    <form onSubmit={submit} className="form" aria-label="Connection settings">
      <ScheduleFields value={schedule} onChange={(value) => { setSchedule(value); save.reset(); }} />
      <fieldset className="fieldset">
        <legend>Running</legend>
        <label className="inline">
          <input type="checkbox" checked={enabled} onChange={(event) => { setEnabled(event.target.checked); save.reset(); }} />
          Enabled (the scheduler runs it on its schedule)
        </label>
        <SchemaChangePolicySelect id="settings-policy" value={policy} onChange={(value) => { setPolicy(value); save.reset(); }} />
      </fieldset>
      {save.isError && <p role="alert" className="error">Could not save the settings: {errorText(save.error)}</p>}
      {save.isSuccess && !changed && <p role="status" className="ok-text">Settings saved.</p>}
      <div className="actions">
        <button type="submit" disabled={!changed || save.isPending || scheduleProblem(schedule) !== undefined}>{save.isPending ? 'Saving…' : 'Save settings'}</button>
      </div>
    </form>
  );
}
