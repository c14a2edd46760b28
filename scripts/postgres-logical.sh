#!/usr/bin/env bash
# Makes the local PostgreSQL ready for logical replication (source-postgres CDC tests): wal_level = logical, which
# needs a restart. Idempotent: does nothing when wal_level is already logical. Needs to run as root (or the
# postgres user) on the machine that runs the cluster; PGHOST/PGPORT/PGUSER select the server (127.0.0.1:5432, postgres).
set -euo pipefail

export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
psql_q() { psql -X -q -t -A -d postgres -c "$1"; }

level="$(psql_q 'SHOW wal_level')"
if [[ "$level" == "logical" ]]; then
  echo "postgres-logical: wal_level is already logical"
  exit 0
fi

psql_q 'ALTER SYSTEM SET wal_level = logical'
# Enough slots and senders for tests that each create a slot of their own.
[[ "$(psql_q 'SHOW max_replication_slots')" -ge 10 ]] || psql_q 'ALTER SYSTEM SET max_replication_slots = 10'
[[ "$(psql_q 'SHOW max_wal_senders')" -ge 10 ]] || psql_q 'ALTER SYSTEM SET max_wal_senders = 10'

version="$(psql_q 'SHOW server_version_num')"
version="${version:0:2}"
if command -v pg_ctlcluster >/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$version" main restart
else
  echo "postgres-logical: restart PostgreSQL yourself so that wal_level = logical takes effect" >&2
  exit 1
fi

for _ in $(seq 1 30); do
  if [[ "$(psql_q 'SHOW wal_level' 2>/dev/null || true)" == "logical" ]]; then
    echo "postgres-logical: wal_level is now logical"
    exit 0
  fi
  sleep 1
done
echo "postgres-logical: PostgreSQL did not come back with wal_level = logical" >&2
exit 1
