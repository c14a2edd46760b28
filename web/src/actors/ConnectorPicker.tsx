// Owns choosing the connector of a new source or destination: the searchable catalog of built-ins of that kind,
// or a custom reference typed by the user (a path, a command, or docker:image:tag).
import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { listConnectors, type ActorKind, type ConnectorInfo } from './actor-api';

export function ConnectorPicker({ kind, onPick }: { kind: ActorKind; onPick: (connector: string) => void }) {
  const catalog = useQuery({ queryKey: ['connectors'], queryFn: listConnectors, staleTime: 60_000 });
  const [search, setSearch] = useState('');
  const [custom, setCustom] = useState('');
  const shown = (catalog.data?.data ?? []).filter((connector) => connector.kind === kind && matches(connector, search));

  function pickCustom(event: FormEvent) {
    event.preventDefault();
    if (custom.trim() !== '') onPick(custom.trim());
  }

  return (
    <div className="picker">
      <section aria-labelledby="catalog-title">
        <h2 id="catalog-title">Built-in connectors</h2>
        <label htmlFor="connector-search">Search connectors</label>
        <input id="connector-search" type="search" value={search} onChange={(event) => setSearch(event.target.value)} autoComplete="off" />
        {catalog.isPending && <p aria-busy="true">Loading the connector catalog…</p>}
        {catalog.isError && <p role="alert" className="error">Could not load the connector catalog: {catalog.error.message}</p>}
        {catalog.data && shown.length === 0 && (
          <p className="muted">No built-in {kind} matches “{search}”. A custom connector can be named below.</p>
        )}
        {shown.length > 0 && (
          <ul className="catalog" aria-label={`${kind} connectors`}>
            {shown.map((connector) => (
              <li key={connector.name}>
                <button type="button" className="catalog-item" onClick={() => onPick(connector.name)}>
                  <span className="catalog-name">{connector.name}</span>
                  <span className="catalog-description">{connector.description}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="custom-title">
        <h2 id="custom-title">Custom connector</h2>
        <form onSubmit={pickCustom}>
          <label htmlFor="connector-ref">Connector reference</label>
          <input
            id="connector-ref"
            value={custom}
            onChange={(event) => setCustom(event.target.value)}
            placeholder="docker:airbyte/source-pokeapi:0.2.0"
            autoComplete="off"
            aria-describedby="connector-ref-help"
          />
          <p id="connector-ref-help" className="help">
            An image as <code>docker:image:tag</code>, or a path or command to run (the server must allow custom
            connectors for those).
          </p>
          <button type="submit" disabled={custom.trim() === ''}>Use this connector</button>
        </form>
      </section>
    </div>
  );
}

function matches(connector: ConnectorInfo, search: string): boolean {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const text = `${connector.name} ${connector.description}`.toLowerCase();
  return words.every((word) => text.includes(word));
}
