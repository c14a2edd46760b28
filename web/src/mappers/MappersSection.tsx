// Owns the connection page's Mappers section (issue 12): per stream its steps in words and its error policy, and,
// on "Edit mappers", the editor of every stream, saved at once with PATCH /connections/{name} `mappers` or discarded.
// The API's refusal (mapper.invalid naming stream, step and field) is shown here as it came. Loaded lazily.
import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { patch, enc } from '../api';
import type { ConnectionDetail } from '../lib/connection-api';
import { errorText } from '../lib/error-text';
import { describeStep } from './describe-step';
import type { Mappers } from './mapper-types';
import { StreamStepsEditor } from './StreamStepsEditor';
import { mappersBody, stepProblems, toDraft, type StreamDraft } from './step-draft';

interface Props {
  connection: ConnectionDetail & { mappers?: Mappers | null };
  onSaved: (connection: ConnectionDetail) => void;
}

const streamKey = (stream: { name: string; namespace?: string }): string => (stream.namespace ? `${stream.namespace}.${stream.name}` : stream.name);

export default function MappersSection({ connection, onSaved }: Props) {
  const [drafts, setDrafts] = useState<Record<string, StreamDraft>>();
  const [showProblems, setShowProblems] = useState(false);
  const stored = connection.mappers ?? {};
  const streams = connection.streams.map((stream) => ({ key: streamKey(stream), fields: stream.fields ?? [] }));
  const save = useMutation({
    mutationFn: (mappers: Mappers | null) => patch<ConnectionDetail>(`/connections/${enc(connection.name)}`, { mappers }),
    onSuccess: (updated) => { setDrafts(undefined); onSaved(updated); },
  });

  const edit = () => {
    save.reset();
    setShowProblems(false);
    setDrafts(Object.fromEntries(streams.map((stream) => [stream.key, toDraft(stored[stream.key])])));
  };
  const submit = () => {
    if (!drafts) return;
    const problems = Object.values(drafts).some((draft) => draft.steps.some((step, index) => Object.keys(stepProblems(step, index)).length > 0));
    setShowProblems(true);
    if (!problems) save.mutate(mappersBody(drafts));
  };

  if (!drafts) {
    return (
      <>
        {save.isSuccess && <p role="status" className="ok-text">Mappers saved.</p>}
        {streams.map((stream) => {
          const mappers = stored[stream.key];
          return (
            <div key={stream.key} className="mapper-stream" role="region" aria-label={`Mappers of ${stream.key}`}>
              <div className="panel-header">
                <h3>{stream.key}</h3>
                {mappers?.steps.length ? <span className="muted small">On error: {mappers.on_error === 'skip' ? 'skip (null the value, note it)' : 'fail the sync'}</span> : null}
              </div>
              {mappers?.steps.length ? (
                <ol className="mapper-summary">{mappers.steps.map((step, index) => <li key={index}>{describeStep(step)}</li>)}</ol>
              ) : (
                <p className="muted">No mappers: records pass as they are.</p>
              )}
            </div>
          );
        })}
        <div className="actions"><button type="button" onClick={edit}>Edit mappers</button></div>
      </>
    );
  }
  return (
    <form className="form mappers-form" aria-label="Mappers" onSubmit={(event) => { event.preventDefault(); submit(); }}>
      {streams.map((stream) => (
        <StreamStepsEditor key={stream.key} stream={stream.key} fields={stream.fields} draft={drafts[stream.key]!} showProblems={showProblems}
          onChange={(draft) => { save.reset(); setDrafts({ ...drafts, [stream.key]: draft }); }} />
      ))}
      {save.isError && <p role="alert" className="error">Could not save the mappers: {errorText(save.error)}</p>}
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>{save.isPending ? 'Saving…' : 'Save mappers'}</button>
        <button type="button" onClick={() => { save.reset(); setDrafts(undefined); }} disabled={save.isPending}>Discard</button>
      </div>
    </form>
  );
}
