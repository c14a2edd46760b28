// Migration 4: the dashboard's sign-in sessions. Only a SHA-256 of each session id is kept; a session belongs to
// the API token it was opened with and ends with it (revoking the token deletes its sessions).
export const name = 'dashboard-sessions';

export const sql = `
CREATE TABLE api_sessions (
  id_hash TEXT PRIMARY KEY,
  token_id TEXT NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX api_sessions_by_token ON api_sessions (token_id);
`;
