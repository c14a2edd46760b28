// Owns editing a filter's condition: rows of field, operator and value joined by "all of" or "any of", each value's
// type shown beside it, or the condition as JSON text when the rows cannot say it (the logic: condition-builder.ts).
import { OPERATORS, fromBuilder, isList, needsValue, rowProblem, toBuilder, valueKind, type BuiltCondition, type ConditionRow, type Operator } from './condition-builder';
import type { FilterDraft } from './step-draft';
import type { Condition } from './mapper-types';

interface Props {
  id: string;
  filter: FilterDraft;
  fields: string[];
  problem?: string;
  onChange: (filter: FilterDraft) => void;
}

export function ConditionEditor({ id, filter, fields, problem, onChange }: Props) {
  const built = filter.built;
  if (!built) {
    let parsed: Condition | undefined;
    try { parsed = JSON.parse(filter.json) as Condition; } catch { parsed = undefined; }
    const asRows = parsed && typeof parsed === 'object' ? toBuilder(parsed) : undefined;
    return (
      <div>
        <label htmlFor={`${id}-json`}>Condition (JSON)</label>
        <p className="muted small">This condition nests more than rows can show; edit it as JSON (docs/mappers.md lists the operators).</p>
        <textarea id={`${id}-json`} className="mono" rows={Math.min(12, filter.json.split('\n').length + 1)} spellCheck={false} value={filter.json}
          aria-invalid={problem ? true : undefined} onChange={(event) => onChange({ ...filter, json: event.target.value })} />
        {problem && <p className="field-error">{problem}</p>}
        {asRows && <button type="button" className="small-button" onClick={() => onChange({ ...filter, built: asRows })}>Edit as rows</button>}
      </div>
    );
  }
  const setRows = (rows: ConditionRow[]) => onChange({ ...filter, built: { ...built, rows } });
  const setRow = (index: number, change: Partial<ConditionRow>) => setRows(built.rows.map((row, at) => (at === index ? { ...row, ...change } : row)));
  return (
    <div className="condition">
      {built.rows.length > 1 && (
        <label className="inline">
          Rows where
          <select aria-label="Combine the rows" value={built.combine} onChange={(event) => onChange({ ...filter, built: { ...built, combine: event.target.value as BuiltCondition['combine'] } })}>
            <option value="all">all of these hold</option>
            <option value="any">any of these holds</option>
          </select>
        </label>
      )}
      {built.rows.map((row, index) => {
        const rowError = problem ? rowProblem(row) : undefined;
        const label = `condition ${index + 1}`;
        return (
          <div key={index} className="condition-row" role="group" aria-label={`Condition ${index + 1}`}>
            <select aria-label={`Field of ${label}`} value={row.field} aria-invalid={rowError === 'Choose a field' ? true : undefined} onChange={(event) => setRow(index, { field: event.target.value })}>
              <option value="">Field…</option>
              {(row.field && !fields.includes(row.field) ? [...fields, row.field] : fields).map((field) => <option key={field} value={field}>{field}</option>)}
            </select>
            <select aria-label={`Operator of ${label}`} value={row.operator} onChange={(event) => setRow(index, { operator: event.target.value as Operator })}>
              {OPERATORS.map((operator) => <option key={operator.value} value={operator.value}>{operator.label}</option>)}
            </select>
            {needsValue(row.operator) ? (
              <input aria-label={`Value of ${label}`} value={row.value} placeholder={isList(row.operator) ? 'a, b, c' : 'value'}
                aria-invalid={rowError && rowError !== 'Choose a field' ? true : undefined} onChange={(event) => setRow(index, { value: event.target.value })} />
            ) : <span />}
            <span className="muted small value-kind" aria-label={`Type of ${label}`}>{valueKind(row)}</span>
            <button type="button" className="small-button" aria-label={`Remove ${label}`} disabled={built.rows.length === 1}
              onClick={() => setRows(built.rows.filter((_, at) => at !== index))}>✕</button>
            {rowError && <p className="field-error condition-error">{rowError}</p>}
          </div>
        );
      })}
      <div className="button-row">
        <button type="button" className="small-button" onClick={() => setRows([...built.rows, { field: '', operator: 'eq', value: '' }])}>Add a condition</button>
        <button type="button" className="small-button" onClick={() => onChange({ ...filter, built: undefined, json: JSON.stringify(fromBuilder(built), null, 2) })}>Edit as JSON</button>
      </div>
      <p className="muted small">A value reads as a number (18), true, false, null, or else as text; write "18" in double quotes for the text 18.</p>
    </div>
  );
}
