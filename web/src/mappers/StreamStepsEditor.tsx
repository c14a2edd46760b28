// Owns editing one stream's mappers: its error policy, and its ordered steps, each with its form and buttons to
// move it up or down or remove it, and adding a step of any type at the end.
import { useState } from 'react';
import { describeStep } from './describe-step';
import { STEP_TYPES, type OnError, type StepType } from './mapper-types';
import { StepForm } from './StepForm';
import { currentStep, draftStep, fieldsAt, moveStep, newStep, stepProblems, type StreamDraft } from './step-draft';

interface Props {
  stream: string;
  fields: string[];
  draft: StreamDraft;
  showProblems: boolean;
  onChange: (draft: StreamDraft) => void;
}

export function StreamStepsEditor({ stream, fields, draft, showProblems, onChange }: Props) {
  const [adding, setAdding] = useState<StepType>('select');
  const slug = stream.replace(/[^A-Za-z0-9_-]/g, '_');
  const setSteps = (steps: StreamDraft['steps']) => onChange({ ...draft, steps });
  return (
    <div className="mapper-stream" role="region" aria-label={`Mappers of ${stream}`}>
      <div className="panel-header">
        <h3>{stream}</h3>
        <label className="inline">
          On error
          <select aria-label={`On error (${stream})`} value={draft.onError} onChange={(event) => onChange({ ...draft, onError: event.target.value as OnError })}>
            <option value="fail">fail the sync</option>
            <option value="skip">skip: null the value, note it</option>
          </select>
        </label>
      </div>
      {draft.steps.length === 0 && <p className="muted">No steps: records pass as they are.</p>}
      <ol className="mapper-steps">
        {draft.steps.map((step, index) => {
          const problems = showProblems ? stepProblems(step, index) : {};
          const title = `Step ${index + 1}`;
          return (
            <li key={step.id} className="mapper-step" role="group" aria-label={`${title} of ${stream}: ${step.step.type}`}>
              <div className="mapper-step-header">
                <span><strong>{title}</strong> <span className="muted">· {describeStep(currentStep(step))}</span></span>
                <span className="button-row">
                  <button type="button" className="small-button" aria-label={`Move step ${index + 1} up`} disabled={index === 0} onClick={() => setSteps(moveStep(draft.steps, index, -1))}>↑</button>
                  <button type="button" className="small-button" aria-label={`Move step ${index + 1} down`} disabled={index === draft.steps.length - 1} onClick={() => setSteps(moveStep(draft.steps, index, 1))}>↓</button>
                  <button type="button" className="small-button" aria-label={`Remove step ${index + 1}`} onClick={() => setSteps(draft.steps.filter((_, at) => at !== index))}>Remove</button>
                </span>
              </div>
              <StepForm id={`${slug}-step-${step.id}`} draft={step} fields={fieldsAt(fields, draft.steps, index)} problems={problems}
                onChange={(changed) => setSteps(draft.steps.map((kept, at) => (at === index ? changed : kept)))} />
            </li>
          );
        })}
      </ol>
      <div className="button-row add-step">
        <select aria-label={`Step type to add (${stream})`} value={adding} onChange={(event) => setAdding(event.target.value as StepType)}>
          {STEP_TYPES.map((type) => <option key={type.type} value={type.type}>{type.label}: {type.hint}</option>)}
        </select>
        <button type="button" onClick={() => setSteps([...draft.steps, draftStep(newStep(adding, fieldsAt(fields, draft.steps, draft.steps.length)))])}>Add step</button>
      </div>
    </div>
  );
}
