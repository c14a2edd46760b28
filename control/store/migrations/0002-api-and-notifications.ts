// Migration 2: API tokens (only a SHA-256 of each token is kept), webhooks and their deliveries.
export const name = 'api-and-notifications';

export const sql = `
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  token_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT
);

CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  url TEXT NOT NULL,
  events TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE schema_changes (
  id {{autoid}},
  connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  job_id BIGINT,
  diff TEXT NOT NULL,
  action TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
`;
