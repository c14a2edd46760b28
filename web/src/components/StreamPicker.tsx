// Owns the stream table of a new connection: a checkbox per stream and one for all, each stream's sync mode as
// one select of the combinations it supports, and a cursor or primary-key picker where the source defines none.
// The rules live in lib/sync-modes.ts; this file only draws them.
import { useEffect, useRef } from 'react';
import {
  needsCursorPicker, needsPrimaryKeyPicker, streamKey, syncModeOptions, topLevelFields,
  type DiscoveredStream, type StreamChoice,
} from '../lib/sync-modes';

interface Props {
  streams: DiscoveredStream[];
  choices: Record<string, StreamChoice>;
  destinationModes?: string[];
  onChange: (key: string, choice: StreamChoice) => void;
  onSelectAll: (selected: boolean) => void;
}

export function StreamPicker({ streams, choices, destinationModes, onChange, onSelectAll }: Props) {
  const selectedCount = streams.filter((stream) => choices[streamKey(stream)]?.selected).length;
  const all = selectedCount === streams.length && streams.length > 0;
  const allBox = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (allBox.current) allBox.current.indeterminate = selectedCount > 0 && !all;
  }, [selectedCount, all]);

  return (
    <table className="table streams">
      <caption className="caption">{selectedCount} of {streams.length} streams selected</caption>
      <thead>
        <tr>
          <th scope="col" className="narrow">
            <input ref={allBox} type="checkbox" aria-label="Select all streams" checked={all} onChange={(event) => onSelectAll(event.target.checked)} />
          </th>
          <th scope="col">Stream</th>
          <th scope="col">Sync mode</th>
          <th scope="col">Cursor field</th>
          <th scope="col">Primary key</th>
        </tr>
      </thead>
      <tbody>
        {streams.map((stream) => {
          const key = streamKey(stream);
          const choice = choices[key];
          if (!choice) return null;
          const set = (change: Partial<StreamChoice>) => onChange(key, { ...choice, ...change });
          const options = syncModeOptions(stream, destinationModes);
          const fields = topLevelFields(stream);
          return (
            <tr key={key} className={choice.selected ? undefined : 'row-off'}>
              <td>
                <input type="checkbox" aria-label={`Sync stream ${key}`} checked={choice.selected} onChange={(event) => set({ selected: event.target.checked })} />
              </td>
              <th scope="row" className="stream-name">{key}</th>
              <td>
                {options.length === 0 ? (
                  <span className="error-text">no mode this destination accepts</span>
                ) : (
                  <select aria-label={`Sync mode of ${key}`} value={choice.mode} disabled={!choice.selected} onChange={(event) => set({ mode: event.target.value })}>
                    {options.map((option) => <option key={option.value} value={option.value}>{option.label}</option>)}
                  </select>
                )}
              </td>
              <td>
                {needsCursorPicker(stream, choice) ? (
                  <select aria-label={`Cursor field of ${key}`} value={choice.cursor} disabled={!choice.selected} onChange={(event) => set({ cursor: event.target.value })}>
                    <option value="">Pick a field…</option>
                    {fields.map((field) => <option key={field} value={field}>{field}</option>)}
                  </select>
                ) : (
                  <SourceDefined value={stream.source_defined_cursor ? stream.default_cursor_field?.join('.') : undefined} />
                )}
              </td>
              <td>
                {needsPrimaryKeyPicker(stream, choice) ? (
                  <select multiple aria-label={`Primary key of ${key}`} size={Math.min(4, Math.max(2, fields.length))} value={choice.primaryKey} disabled={!choice.selected}
                    onChange={(event) => set({ primaryKey: Array.from(event.target.selectedOptions, (option) => option.value) })}>
                    {fields.map((field) => <option key={field} value={field}>{field}</option>)}
                  </select>
                ) : (
                  <SourceDefined value={stream.source_defined_primary_key?.map((path) => path.join('.')).join(', ')} />
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function SourceDefined({ value }: { value: string | undefined }) {
  if (!value) return <span className="muted">—</span>;
  return <span><code>{value}</code> <span className="muted small">(set by the source)</span></span>;
}
