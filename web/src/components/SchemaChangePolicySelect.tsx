// Owns choosing what a sync does when the source's schema changed (control/store/records.ts SCHEMA_CHANGE_POLICIES).
import { SCHEMA_CHANGE_POLICIES } from '../lib/connection-api';

export function SchemaChangePolicySelect({ id, value, onChange }: { id: string; value: string; onChange: (value: string) => void }) {
  return (
    <div>
      <label htmlFor={id}>When the source’s schema changes</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        {SCHEMA_CHANGE_POLICIES.map((policy) => <option key={policy.value} value={policy.value}>{policy.label}</option>)}
      </select>
    </div>
  );
}
