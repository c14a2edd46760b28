// Owns editing one actor's name and config: the form built from the connector's spec, stored secrets shown as
// empty inputs that keep their value unless typed over, and the validation that runs before anything is sent.
// The page around it decides what Save and Test do.
import { lazy, Suspense, useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { Actor } from '../types';
import type { ActorDraft, ActorKind, ConnectorSpecification } from './actor-api';
import type { ConfigFormHandle } from './ConfigForm';
import { formSchemaFor, restoreStoredSecrets, takeStoredSecrets, uiSchemaFor } from './spec-form';

// The form library and its validator are most of the dashboard's weight: loaded when a form is first shown.
const ConfigForm = lazy(() => import('./ConfigForm').then((module) => ({ default: module.ConfigForm })));

export interface EditorControls {
  /** Shows every invalid field and returns undefined, or returns what to send. */
  validDraft: () => ActorDraft | undefined;
  /** The user changed something since the form was filled. */
  dirty: boolean;
}

interface ActorEditorProps {
  kind: ActorKind;
  connector: string;
  spec: ConnectorSpecification;
  /** The stored actor being edited; none for a new one. */
  actor?: Actor;
  busy: boolean;
  onSave: (draft: ActorDraft) => void;
  onDirtyChange?: (dirty: boolean) => void;
  /** The buttons under the form; the one of type "submit" saves. */
  actions: (controls: EditorControls) => ReactNode;
}

export function ActorEditor({ kind, connector, spec, actor, busy, onSave, onDirtyChange, actions }: ActorEditorProps) {
  const specSchema = spec.connectionSpecification;
  const start = useMemo(() => (actor ? takeStoredSecrets(actor.config, specSchema) : { formData: {}, stored: [] }), [actor, specSchema]);
  const schema = useMemo(() => formSchemaFor(specSchema, start.stored), [specSchema, start]);
  const uiSchema = useMemo(() => uiSchemaFor(specSchema, start.stored), [specSchema, start]);

  const [name, setName] = useState(actor?.name ?? '');
  const [formData, setFormData] = useState<Record<string, unknown>>(start.formData);
  const [attempted, setAttempted] = useState(false);
  const [touched, setTouched] = useState(false);
  const formRef = useRef<ConfigFormHandle>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const nameMissing = attempted && name.trim() === '';

  function validDraft(): ActorDraft | undefined {
    setAttempted(true);
    const configValid = formRef.current?.validateForm() ?? true;
    if (name.trim() === '') {
      nameRef.current?.focus();
      return undefined;
    }
    if (!configValid) return undefined;
    return { name: name.trim(), connector, config: restoreStoredSecrets(formData, start.stored, specSchema) };
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const draft = validDraft();
    if (draft) onSave(draft);
  }

  const dirty = touched || name !== (actor?.name ?? '');
  useEffect(() => onDirtyChange?.(dirty), [dirty, onDirtyChange]);
  return (
    <form className="actor-editor" onSubmit={submit} noValidate aria-busy={busy}>
      <div className="field">
        <label htmlFor="actor-name">Name</label>
        <input
          id="actor-name"
          ref={nameRef}
          value={name}
          autoComplete="off"
          required
          aria-invalid={nameMissing}
          aria-describedby={nameMissing ? 'actor-name-help actor-name-error' : 'actor-name-help'}
          onChange={(event) => setName(event.target.value)}
        />
        <p id="actor-name-help" className="help">Connections and the CLI refer to this {kind} by its name.</p>
        {nameMissing && <div id="actor-name-error" role="alert" className="field-error"><p>Required</p></div>}
      </div>
      <Suspense fallback={<p aria-busy="true">Loading the form…</p>}>
        <ConfigForm
          formRef={formRef}
          schema={schema}
          uiSchema={uiSchema}
          formData={formData}
          onChange={(data, fieldId) => {
            setFormData(data);
            if (fieldId !== undefined) setTouched(true);
          }}
          liveValidate={attempted}
          disabled={busy}
        />
      </Suspense>
      <div className="form-actions">{actions({ validDraft, dirty })}</div>
    </form>
  );
}
