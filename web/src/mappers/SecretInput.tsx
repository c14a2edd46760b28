// Owns a salt or key input: a password input, or, for a stored secret, "stored (unchanged)" until the person chooses
// to replace it. The stored value never reaches the page: the API shows MASK, and MASK is what is sent back to keep it.
import { useState } from 'react';
import { MASK } from './mapper-types';

interface Props {
  id: string;
  label: string;
  value: string;
  /** The step had a stored secret when the editor opened (it may be kept). */
  stored: boolean;
  problem?: string;
  placeholder?: string;
  onChange: (value: string) => void;
}

export function SecretInput({ id, label, value, stored, problem, placeholder, onChange }: Props) {
  const [replacing, setReplacing] = useState(value !== MASK);
  const keep = value === MASK && !replacing;
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      {keep ? (
        <div className="secret-stored">
          <span id={id} className="muted">stored (unchanged)</span>
          <button type="button" className="small-button" onClick={() => { setReplacing(true); onChange(''); }}>Replace {label.toLowerCase()}</button>
        </div>
      ) : (
        <div className="secret-stored">
          <input id={id} type="password" autoComplete="new-password" value={value === MASK ? '' : value} placeholder={placeholder}
            aria-invalid={problem ? true : undefined} onChange={(event) => onChange(event.target.value)} />
          {stored && <button type="button" className="small-button" onClick={() => { setReplacing(false); onChange(MASK); }}>Keep stored</button>}
        </div>
      )}
      {problem && <p className="field-error">{problem}</p>}
    </div>
  );
}
