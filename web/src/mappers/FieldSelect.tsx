// Owns choosing one field of the record at a step: the fields the stream has there, plus the stored choice if it is
// not among them (a field the schema does not list; the API says whether it is known).
interface Props {
  id: string;
  label: string;
  value: string;
  fields: string[];
  problem?: string;
  onChange: (value: string) => void;
}

export function FieldSelect({ id, label, value, fields, problem, onChange }: Props) {
  const options = value && !fields.includes(value) ? [...fields, value] : fields;
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} aria-invalid={problem ? true : undefined} onChange={(event) => onChange(event.target.value)}>
        <option value="">Choose a field…</option>
        {options.map((field) => <option key={field} value={field}>{field}</option>)}
      </select>
      {problem && <p className="field-error">{problem}</p>}
    </div>
  );
}
