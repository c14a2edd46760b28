// Owns the one error line a following read ends with when the slot, the publication or the replication connection
// fails: what happened, to which slot or publication, and whether a restart can help (transient_error: the slot is
// busy, the connection dropped) or a person must act (config_error: the slot or publication is gone).
import type pg from 'pg';
import { ConnectorError } from '../../kit/run-connector.js';
import { qualifiedName, quoteIdent } from '../../kit/postgres/connection.js';
import type { PgTable } from '../discover.js';

const RESET = "reset this connection's state to take a new snapshot";

/** A server error about the slot itself (busy, missing), or undefined. */
export function slotError(error: unknown, slot: string): ConnectorError | undefined {
  if (error instanceof ConnectorError) return error;
  const { code, message } = error as { code?: string; message?: string };
  if (code === '55006') {
    return new ConnectorError(`replication slot ${slot} is in use by another process (${message}); it can be read again once that process stops`, 'transient_error');
  }
  if (code === '42704' && /replication slot/.test(message ?? '')) {
    return new ConnectorError(`replication slot ${slot} does not exist (dropped?): the changes it held are gone; ${RESET}`, 'config_error');
  }
  if (code === '42704' && /publication/.test(message ?? '')) {
    return new ConnectorError(`replication slot ${slot}: ${message}; create the publication again, then ${RESET}`, 'config_error');
  }
  return undefined;
}

/** Why the replication connection ended: the slot dropped (asked on the normal connection), or a transient loss. */
export async function lostConnection(error: Error, client: pg.Client, slot: string): Promise<ConnectorError> {
  const known = slotError(error, slot);
  if (known) return known;
  const exists = await client
    .query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [slot])
    .then(({ rowCount }) => (rowCount ?? 0) > 0)
    .catch(() => undefined);
  if (exists === false) {
    return new ConnectorError(`replication slot ${slot} was dropped while following: the changes it held are gone; ${RESET}`, 'config_error');
  }
  const lost = new ConnectorError(`replication slot ${slot}: the replication connection was lost (${error.message}); a restart resumes from the last committed state`, 'transient_error');
  (lost as Error & { cause?: unknown }).cause = error;
  return lost;
}

/** The captured tables the publication no longer covers (a cheap catalog query), as a config_error, or undefined. */
export async function publicationGap(client: pg.Client, publication: string, tables: PgTable[]): Promise<ConnectorError | undefined> {
  const { rows } = await client.query<{ schemaname: string; tablename: string }>('SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = $1', [publication]);
  const missing = tables.filter((table) => !rows.some((row) => row.schemaname === table.schema && row.tablename === table.name));
  if (missing.length === 0) return undefined;
  const names = missing.map((table) => qualifiedName(table.schema, table.name)).join(', ');
  const { rowCount } = await client.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [publication]);
  if (!rowCount) return new ConnectorError(`publication ${publication} was dropped while following; create it again (CREATE PUBLICATION ${quoteIdent(publication)} FOR TABLE ${names}), then ${RESET}`, 'config_error');
  return new ConnectorError(
    `publication ${publication} no longer includes ${names} (removed while following), so its changes are not captured: run ALTER PUBLICATION ${quoteIdent(publication)} ADD TABLE ${names}, then ${RESET}`,
    'config_error',
  );
}
