// Owns signing in with an API token: the server checks it and sets the session cookie; the token is not kept in
// the page.
import { useState, type FormEvent } from 'react';
import { ApiError, post } from '../api';

export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await post('/session', { token });
      setToken('');
      onSignedIn();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  }
  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to Sluice</h1>
        <p>This server asks for an API token. Create one on the server with <code>sluice token create NAME</code>.</p>
        <label htmlFor="token">API token</label>
        <input id="token" type="password" autoComplete="off" value={token} onChange={(event) => setToken(event.target.value)} required />
        {error && <p role="alert" className="error">{error}</p>}
        <button type="submit" disabled={busy || token === ''}>Sign in</button>
      </form>
    </main>
  );
}
