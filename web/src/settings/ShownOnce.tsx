// Owns the box that shows a secret the server gives out only once (a webhook's signing secret, an API token): the
// value in a read-only field to select or copy, a copy button, and the warning that it is not shown again.
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

interface Props {
  /** The box's heading, e.g. "Token for ci-deploy created". */
  title: string;
  /** Names the value, e.g. "API token". */
  label: string;
  /** What the copy button says, e.g. "Copy API token". */
  copyName: string;
  value: string;
  /** How to use the value. */
  children: ReactNode;
  onDone: () => void;
}

export function ShownOnce({ title, label, copyName, value, children, onDone }: Props) {
  const titleId = useId();
  const fieldId = useId();
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | undefined>();
  // The form that asked for it is gone: focus moves to the value (selected, ready to copy) rather than to the page.
  useEffect(() => field.current?.focus(), []);

  const copy = async () => {
    try {
      await copyText(value, field.current);
      setCopied('yes');
    } catch {
      field.current?.select();
      setCopied('failed');
    }
  };

  return (
    <section className="shown-once" aria-labelledby={titleId}>
      <h3 id={titleId}>{title}</h3>
      <p className="shown-once-warning"><strong>Copy it now: it is not shown again.</strong></p>
      <label htmlFor={fieldId}>{label}</label>
      <div className="shown-once-value">
        <input id={fieldId} ref={field} className="mono" readOnly value={value} spellCheck={false} autoComplete="off"
          onFocus={(event) => event.currentTarget.select()} />
        <button type="button" onClick={copy}>{copyName}</button>
      </div>
      <p role="status" className="small">
        {copied === 'yes' && <span className="ok-text">Copied to the clipboard.</span>}
        {copied === 'failed' && <span className="error-text">This browser did not allow copying: the text is selected, press Ctrl+C (⌘C).</span>}
      </p>
      <div className="shown-once-help">{children}</div>
      <button type="button" onClick={onDone}>I have copied it</button>
    </section>
  );
}

// The Clipboard API exists only in secure contexts (https or localhost); elsewhere the selected field is copied.
async function copyText(text: string, field: HTMLInputElement | null): Promise<void> {
  if (navigator.clipboard?.writeText) return navigator.clipboard.writeText(text);
  field?.select();
  if (!document.execCommand('copy')) throw new Error('copy refused');
}
