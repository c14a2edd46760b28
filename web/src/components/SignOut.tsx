// Owns signing out: DELETE /session ends the session cookie, then the page reloads (and, where the server asks for
// a token, shows the sign-in page). A server without session routes (404) has no session to end: it just reloads.
import { useState } from 'react';
import { ApiError, del } from '../api';
import { errorText } from '../lib/error-text';
import '../settings/settings.css';

export function SignOut() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const signOut = async () => {
    setPending(true);
    setError(undefined);
    try {
      await del('/session');
    } catch (caught) {
      if (!(caught instanceof ApiError && caught.status === 404)) {
        setPending(false);
        setError(errorText(caught));
        return;
      }
    }
    location.reload();
  };
  return (
    <div className="sidebar-footer">
      <button type="button" className="sign-out" onClick={signOut} disabled={pending}>Sign out</button>
      {error && <p role="alert" className="sign-out-error">Could not sign out: {error}</p>}
    </div>
  );
}
