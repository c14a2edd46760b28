// Owns the API tokens section of Settings: the list (name, created, last used; never the tokens), creating one
// (the token shown once, with how to use it), and revoking one after a confirmation.
import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Dialog } from '../components/Dialog';
import { errorText } from '../lib/error-text';
import { ago } from '../format';
import { ShownOnce } from './ShownOnce';
import { createToken, isoOf, listTokens, revokeToken, settingsKeys, type ApiToken, type Instant } from './settings-api';

export function ApiTokens() {
  const tokens = useQuery({ queryKey: settingsKeys.tokens, queryFn: listTokens });
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ name: string; token: string } | undefined>();

  return (
    <section className="settings-section">
      <header className="panel-header">
        <h2>API tokens</h2>
        {!creating && <button type="button" className="primary" onClick={() => { setCreating(true); setCreated(undefined); }}>Create token</button>}
      </header>
      <p className="muted">A token lets a script, a CI job or another machine use the REST API, or sign in to this dashboard.</p>
      {created && (
        <ShownOnce title={`Token ${created.name} created`} label="API token" copyName="Copy API token" value={created.token} onDone={() => setCreated(undefined)}>
          <p>Send it with every request in the <code>Authorization</code> header:</p>
          <pre className="json">{`curl -H "Authorization: Bearer ${created.token}" ${location.origin}/api/v1/connections`}</pre>
          <p>Or sign in to this dashboard with it.</p>
        </ShownOnce>
      )}
      {creating && (
        <CreateToken
          onCancel={() => setCreating(false)}
          onCreated={(name, token) => { setCreating(false); setCreated({ name, token }); }}
        />
      )}
      {tokens.isPending && <p aria-busy="true">Loading tokens…</p>}
      {tokens.isError && <p role="alert" className="error">Could not load tokens: {errorText(tokens.error)}</p>}
      {tokens.data && tokens.data.data.length === 0 && !creating && (
        <div className="empty"><p><strong>No API tokens yet.</strong> Create one for each client, so each can be revoked on its own.</p></div>
      )}
      {tokens.data && tokens.data.data.length > 0 && (
        <table className="table settings-table">
          <caption className="sr-only">API tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.data.map((token) => <TokenRow key={token.id} token={token} />)}
          </tbody>
        </table>
      )}
      {tokens.data?.pagination.next != null && (
        <p className="muted small">Showing the first {tokens.data.data.length} tokens; <code>sluice token list</code> shows them all.</p>
      )}
    </section>
  );
}

function When({ instant }: { instant: Instant | null }) {
  if (instant === null) return <span className="muted">Never</span>;
  const iso = isoOf(instant);
  return <time dateTime={iso} title={iso}>{ago(iso)}</time>;
}

function TokenRow({ token }: { token: ApiToken }) {
  const [revoking, setRevoking] = useState(false);
  return (
    <tr>
      <th scope="row">{token.name}</th>
      <td><When instant={token.createdAt} /></td>
      <td><When instant={token.lastUsedAt} /></td>
      <td className="row-actions">
        <button type="button" onClick={() => setRevoking(true)} aria-label={`Revoke ${token.name}`}>Revoke</button>
        {revoking && <RevokeToken token={token} onClose={() => setRevoking(false)} />}
      </td>
    </tr>
  );
}

function CreateToken({ onCancel, onCreated }: { onCancel: () => void; onCreated: (name: string, token: string) => void }) {
  const queries = useQueryClient();
  const ids = { name: useId(), nameError: useId(), title: useId() };
  const [name, setName] = useState('');
  const [checked, setChecked] = useState(false);
  const create = useMutation({
    mutationFn: createToken,
    onSuccess: (created) => {
      queries.invalidateQueries({ queryKey: settingsKeys.tokens });
      onCreated(created.name, created.token);
    },
  });
  const missing = name.trim() === '';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (!missing) create.mutate(name.trim());
  };
  return (
    <form className="panel settings-form" aria-labelledby={ids.title} onSubmit={submit} noValidate>
      <h3 id={ids.title}>Create a token</h3>
      <label htmlFor={ids.name}>Name</label>
      <input id={ids.name} value={name} onChange={(e) => setName(e.target.value)} required autoComplete="off"
        placeholder="ci-deploy" aria-invalid={checked && missing ? true : undefined}
        aria-describedby={checked && missing ? ids.nameError : undefined} />
      {checked && missing
        ? <p id={ids.nameError} className="field-error">Enter a name.</p>
        : <p className="help">Say who or what uses it, e.g. the machine or the job.</p>}
      {create.isError && <p role="alert" className="notice notice-error">Could not create the token: {errorText(create.error)}</p>}
      <div className="button-row">
        <button type="submit" disabled={create.isPending}>{create.isPending ? 'Creating…' : 'Create token'}</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}

function RevokeToken({ token, onClose }: { token: ApiToken; onClose: () => void }) {
  const queries = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => revokeToken(token.name),
    // The dialog stays until the list has been read again, so the row is gone when it closes.
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: settingsKeys.tokens });
      onClose();
    },
  });
  return (
    <Dialog title={`Revoke token ${token.name}?`} onClose={onClose}>
      <p>Every client using it stops working: its requests are refused from now on. This cannot be undone; a client that still needs access needs a new token.</p>
      {revoke.isError && <p role="alert" className="notice notice-error">Could not revoke {token.name}: {errorText(revoke.error)}</p>}
      <div className="button-row">
        <button type="button" className="danger" onClick={() => revoke.mutate()} disabled={revoke.isPending}>Revoke token</button>
        <button type="button" onClick={onClose}>Cancel</button>
      </div>
    </Dialog>
  );
}
