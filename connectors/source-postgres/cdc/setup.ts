// Owns what CDC needs from the server before a read: wal_level = logical (or a config_error saying how to fix it),
// a publication covering the captured tables, and a pgoutput logical replication slot in this database — created
// when missing and `create_missing` allows it, validated otherwise.
import type pg from 'pg';
import { ConnectorError } from '../../kit/run-connector.js';
import { qualifiedName, quoteIdent } from '../../kit/postgres/connection.js';
import type { PgTable } from '../discover.js';
import type { CdcMethod } from '../spec.js';

export interface SlotInfo {
  confirmedFlush: string;
}

const WAL_LEVEL_FIX =
  "CDC needs wal_level = logical: run ALTER SYSTEM SET wal_level = logical; as a superuser and restart PostgreSQL (e.g. pg_ctlcluster 15 main restart, or scripts/postgres-logical.sh here)";

export async function checkWalLevel(client: pg.Client): Promise<string | undefined> {
  const { rows } = await client.query<{ wal_level: string }>('SHOW wal_level');
  const level = rows[0]?.wal_level;
  return level === 'logical' ? undefined : `wal_level is '${level}'; ${WAL_LEVEL_FIX}`;
}

/** For `check`: the problem with the CDC set-up, or undefined when a read could start. */
export async function checkCdc(client: pg.Client, method: CdcMethod): Promise<string | undefined> {
  const wal = await checkWalLevel(client);
  if (wal) return wal;
  const slot = await findSlot(client, method.replication_slot);
  if (typeof slot === 'string') return slot;
  if (!slot && method.create_missing === false) return `replication slot ${method.replication_slot} does not exist (create it, or set create_missing)`;
  const { rowCount } = await client.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [method.publication]);
  if (!rowCount && method.create_missing === false) return `publication ${method.publication} does not exist (create it, or set create_missing)`;
  return undefined;
}

/** Makes sure the slot and publication exist and cover `tables`; returns the slot's confirmed position. */
export async function prepareCdc(client: pg.Client, method: CdcMethod, tables: PgTable[]): Promise<SlotInfo> {
  const wal = await checkWalLevel(client);
  if (wal) throw new ConnectorError(wal, 'config_error');
  await ensurePublication(client, method, tables);
  let slot = await findSlot(client, method.replication_slot);
  if (typeof slot === 'string') throw new ConnectorError(slot, 'config_error');
  if (!slot) {
    if (method.create_missing === false) {
      throw new ConnectorError(`replication slot ${method.replication_slot} does not exist: create it with SELECT pg_create_logical_replication_slot('${method.replication_slot}', 'pgoutput'), or set create_missing`, 'config_error');
    }
    await client.query(`SELECT pg_create_logical_replication_slot($1, 'pgoutput')`, [method.replication_slot]).catch((error: Error) => {
      throw new ConnectorError(`cannot create replication slot ${method.replication_slot}: ${error.message}`, 'config_error');
    });
    slot = (await findSlot(client, method.replication_slot)) as SlotInfo;
  }
  return slot;
}

async function findSlot(client: pg.Client, name: string): Promise<SlotInfo | string | undefined> {
  const { rows } = await client.query<{ plugin: string; database: string; confirmed: string; here: string }>(
    `SELECT plugin, database, confirmed_flush_lsn::text AS confirmed, current_database() AS here FROM pg_replication_slots WHERE slot_name = $1`,
    [name],
  );
  const slot = rows[0];
  if (!slot) return undefined;
  if (slot.plugin !== 'pgoutput') return `replication slot ${name} uses plugin ${slot.plugin}; source-postgres reads pgoutput slots`;
  if (slot.database !== slot.here) return `replication slot ${name} belongs to database ${slot.database}, not ${slot.here}`;
  return { confirmedFlush: slot.confirmed };
}

async function ensurePublication(client: pg.Client, method: CdcMethod, tables: PgTable[]): Promise<void> {
  const name = method.publication;
  const { rows: found } = await client.query<{ alltables: boolean }>('SELECT puballtables AS alltables FROM pg_publication WHERE pubname = $1', [name]);
  const list = tables.map((table) => qualifiedName(table.schema, table.name)).join(', ');
  if (found.length === 0) {
    if (method.create_missing === false) {
      throw new ConnectorError(`publication ${name} does not exist: create it with CREATE PUBLICATION ${quoteIdent(name)} FOR TABLE ${list}, or set create_missing`, 'config_error');
    }
    if (tables.length === 0) return;
    await client.query(`CREATE PUBLICATION ${quoteIdent(name)} FOR TABLE ${list}`).catch((error: Error) => {
      throw new ConnectorError(`cannot create publication ${name}: ${error.message}`, 'config_error');
    });
    return;
  }
  if (found[0]!.alltables) return;
  const { rows } = await client.query<{ schemaname: string; tablename: string }>('SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = $1', [name]);
  const missing = tables.filter((table) => !rows.some((row) => row.schemaname === table.schema && row.tablename === table.name));
  if (missing.length === 0) return;
  const names = missing.map((table) => qualifiedName(table.schema, table.name)).join(', ');
  if (method.create_missing === false) {
    throw new ConnectorError(`publication ${name} does not include ${names}: run ALTER PUBLICATION ${quoteIdent(name)} ADD TABLE ${names}`, 'config_error');
  }
  await client.query(`ALTER PUBLICATION ${quoteIdent(name)} ADD TABLE ${names}`).catch((error: Error) => {
    throw new ConnectorError(`publication ${name} does not include ${names}, and adding them failed: ${error.message}`, 'config_error');
  });
}
