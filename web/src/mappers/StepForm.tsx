// Owns the form of one mapper step, by its type: the fields it names (offered from the stream's fields at that
// step), the hash's algorithm, target and salt, the encrypt key, the filter's keep/drop and condition, the JSONata
// expression and its target. Problems are shown at their inputs (see step-draft.ts stepProblems).
import { ConditionEditor } from './ConditionEditor';
import { FieldSelect } from './FieldSelect';
import { SecretInput } from './SecretInput';
import type { HashAlgorithm, MapperStep } from './mapper-types';
import type { DraftStep, StepProblems } from './step-draft';

interface Props {
  id: string;
  draft: DraftStep;
  fields: string[];
  problems: StepProblems;
  onChange: (draft: DraftStep) => void;
}

export function StepForm({ id, draft, fields, problems, onChange }: Props) {
  const { step } = draft;
  const set = (change: Partial<MapperStep>) => onChange({ ...draft, step: { ...step, ...change } as MapperStep });
  const stored = draft.storedSecretAt !== undefined;
  switch (step.type) {
    case 'select':
      return (
        <fieldset className="step-fields">
          <legend>Fields to keep</legend>
          <div className="check-list">
            {[...new Set([...fields, ...step.fields])].map((field) => (
              <label key={field} className="inline">
                <input type="checkbox" checked={step.fields.includes(field)}
                  onChange={(event) => set({ fields: event.target.checked ? [...step.fields, field] : step.fields.filter((kept) => kept !== field) })} />
                {field}
              </label>
            ))}
          </div>
          {problems.fields && <p className="field-error">{problems.fields}</p>}
        </fieldset>
      );
    case 'rename':
      return (
        <div className="field-row">
          <FieldSelect id={`${id}-field`} label="Field" value={step.field} fields={fields} problem={problems.field} onChange={(field) => set({ field })} />
          <TextInput id={`${id}-to`} label="New name" value={step.to} problem={problems.to} onChange={(to) => set({ to })} />
        </div>
      );
    case 'hash':
      return (
        <>
          <div className="field-row three">
            <FieldSelect id={`${id}-field`} label="Field" value={step.field} fields={fields} problem={problems.field} onChange={(field) => set({ field })} />
            <div>
              <label htmlFor={`${id}-algorithm`}>Algorithm</label>
              <select id={`${id}-algorithm`} value={step.algorithm ?? 'sha256'} onChange={(event) => set({ algorithm: event.target.value as HashAlgorithm })}>
                <option value="sha256">SHA-256</option>
                <option value="sha512">SHA-512</option>
                <option value="md5">MD5</option>
              </select>
            </div>
            <div>
              <label htmlFor={`${id}-target`}>Write the hash to</label>
              <select id={`${id}-target`} value={step.target ?? 'replace'} onChange={(event) => set({ target: event.target.value as 'replace' | 'new' })}>
                <option value="replace">{step.field || 'the field'} (replace the value)</option>
                <option value="new">{step.field ? `${step.field}_hashed` : '<field>_hashed'} (a new field)</option>
              </select>
            </div>
          </div>
          <SecretInput id={`${id}-salt`} label="Salt" value={step.salt ?? ''} stored={stored} problem={problems.salt} placeholder="optional: prepended to the value"
            onChange={(salt) => set({ salt })} />
        </>
      );
    case 'encrypt':
      return (
        <div className="field-row">
          <FieldSelect id={`${id}-field`} label="Field" value={step.field} fields={fields} problem={problems.field} onChange={(field) => set({ field })} />
          <SecretInput id={`${id}-key`} label="Key" value={step.key} stored={stored} problem={problems.key} placeholder="64 hexadecimal characters"
            onChange={(key) => set({ key })} />
        </div>
      );
    case 'filter':
      return (
        <>
          <div className="filter-action">
            <select aria-label="Keep or drop" value={draft.filter!.action} onChange={(event) => onChange({ ...draft, filter: { ...draft.filter!, action: event.target.value as 'keep' | 'drop' } })}>
              <option value="drop">Drop rows where</option>
              <option value="keep">Keep only rows where</option>
            </select>
          </div>
          <ConditionEditor id={id} filter={draft.filter!} fields={fields} problem={problems.condition} onChange={(filter) => onChange({ ...draft, filter })} />
        </>
      );
    case 'expression':
      return (
        <>
          <TextInput id={`${id}-field`} label="Target field (optional)" value={step.field ?? ''} placeholder="none: the result replaces the whole record"
            list={`${id}-fields`} onChange={(field) => set({ field })} />
          <datalist id={`${id}-fields`}>{fields.map((field) => <option key={field} value={field} />)}</datalist>
          <label htmlFor={`${id}-expression`}>JSONata expression</label>
          <textarea id={`${id}-expression`} className="mono" rows={2} spellCheck={false} value={step.expression} placeholder="$substringAfter(email, '@')"
            aria-invalid={problems.expression ? true : undefined} onChange={(event) => set({ expression: event.target.value })} />
          {problems.expression && <p className="field-error">{problems.expression}</p>}
        </>
      );
  }
}

function TextInput({ id, label, value, problem, placeholder, list, onChange }: { id: string; label: string; value: string; problem?: string; placeholder?: string; list?: string; onChange: (value: string) => void }) {
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      <input id={id} value={value} placeholder={placeholder} list={list} spellCheck={false} aria-invalid={problem ? true : undefined} onChange={(event) => onChange(event.target.value)} />
      {problem && <p className="field-error">{problem}</p>}
    </div>
  );
}
