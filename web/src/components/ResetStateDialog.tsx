// Owns resetting a connection's state: choose one stream or all, read exactly what will happen, confirm; then
// POST /connections/{name}/state/reset. The API's refusal (a job is running, no state for that stream) is shown.
import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { resetState } from '../lib/connection-api';
import { errorText } from '../lib/error-text';
import { Dialog } from './Dialog';

const ALL = '';

export function ResetStateDialog({ connection, streams, onClose, onDone }: {
  connection: string; streams: string[]; onClose: () => void; onDone: () => void;
}) {
  const [stream, setStream] = useState(ALL);
  const reset = useMutation({ mutationFn: () => resetState(connection, stream === ALL ? undefined : stream), onSuccess: onDone });
  const what = stream === ALL ? 'every stream' : `stream “${stream}”`;
  return (
    <Dialog title="Reset data/state" onClose={onClose}>
      <label htmlFor="reset-stream">Streams to reset</label>
      <select id="reset-stream" value={stream} onChange={(event) => setStream(event.target.value)}>
        <option value={ALL}>All streams</option>
        {streams.map((name) => <option key={name} value={name}>{name}</option>)}
      </select>
      <div className="notice" aria-live="polite">
        <p>
          The saved state (the cursor position) of {what} of connection <strong>{connection}</strong> is deleted. The next sync reads {what} from the
          start, as on its first sync.
        </p>
        <p>Records already in the destination are not deleted: streams that append receive them again; streams that overwrite replace them.</p>
      </div>
      {reset.isError && <p role="alert" className="error">Could not reset the state: {errorText(reset.error)}</p>}
      <div className="actions">
        <button type="button" className="danger" onClick={() => reset.mutate()} disabled={reset.isPending}>
          {reset.isPending ? 'Resetting…' : stream === ALL ? 'Reset all streams' : `Reset stream ${stream}`}
        </button>
        <button type="button" onClick={onClose}>Keep the state</button>
      </div>
    </Dialog>
  );
}
