// Migration 1: actors (sources and destinations), connections (with the configured catalog, and the whole
// catalog the source discovered when it was last settled, for schema-change detection), state per connection and stream, jobs with their
// attempts. Times are epoch milliseconds (BIGINT); JSON is TEXT, so both databases share one schema.
// `{{autoid}}` is the one dialect difference: an auto-incremented integer key (jobs are numbered for people).
export const name = 'initial';

export const sql = `
CREATE TABLE actors (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('source', 'destination')),
  name TEXT NOT NULL,
  connector TEXT NOT NULL,
  config TEXT NOT NULL,
  secret_paths TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (kind, name)
);

CREATE TABLE connections (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  source_id TEXT NOT NULL REFERENCES actors (id),
  destination_id TEXT NOT NULL REFERENCES actors (id),
  catalog TEXT NOT NULL,
  discovered TEXT,
  namespace TEXT,
  stream_prefix TEXT NOT NULL DEFAULT '',
  schedule TEXT,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
  status_reason TEXT,
  schema_change_policy TEXT NOT NULL DEFAULT 'ignore' CHECK (schema_change_policy IN ('ignore', 'propagate', 'pause')),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE connection_state (
  connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  stream TEXT NOT NULL,
  message TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (connection_id, position)
);

CREATE TABLE jobs (
  id {{autoid}},
  connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
  trigger TEXT NOT NULL,
  runner TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  heartbeat_at BIGINT NOT NULL,
  finished_at BIGINT,
  attempts INTEGER NOT NULL DEFAULT 0,
  records_emitted BIGINT NOT NULL DEFAULT 0,
  records_committed BIGINT NOT NULL DEFAULT 0,
  bytes_committed BIGINT NOT NULL DEFAULT 0,
  failure_code TEXT,
  failure_message TEXT,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  log_path TEXT,
  summary TEXT
);
CREATE INDEX jobs_by_connection ON jobs (connection_id, id);
-- One running job per connection, enforced by the database for every process that shares it.
CREATE UNIQUE INDEX jobs_one_running ON jobs (connection_id) WHERE status = 'running';

CREATE TABLE job_attempts (
  job_id BIGINT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  status TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  finished_at BIGINT,
  records_emitted BIGINT NOT NULL DEFAULT 0,
  records_committed BIGINT NOT NULL DEFAULT 0,
  failure_code TEXT,
  failure_message TEXT,
  PRIMARY KEY (job_id, number)
);
`;
