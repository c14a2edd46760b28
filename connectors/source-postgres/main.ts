#!/usr/bin/env node
// Owns source-postgres: check, discover (tables, views, their typed columns and primary keys), and read — full
// refresh in primary-key chunks, incremental by a cursor column (Standard), or logical replication (CDC).
import { runConnector } from '../kit/run-connector.js';
import { connectPostgres } from '../kit/postgres/connection.js';
import { describeTable, listTables } from './discover.js';
import { readStandard } from './read-standard.js';
import { spec, type SourcePostgresConfig } from './spec.js';

/** Every session: UTC, ISO dates, and to_json renderings that do not depend on the server's settings. */
const SESSION = { TimeZone: 'UTC', DateStyle: 'ISO, YMD', IntervalStyle: 'postgres', extra_float_digits: '1' };

const schemasOf = (config: SourcePostgresConfig): string[] => config.schemas ?? ['public'];

await runConnector<SourcePostgresConfig>({
  spec,
  async check(config) {
    let client;
    try {
      client = await connectPostgres(config, SESSION);
    } catch (error) {
      return (error as Error).message;
    }
    try {
      const { rows } = await client.query<{ missing: string[] }>(
        `SELECT coalesce(array_agg(s), '{}') AS missing FROM unnest($1::text[]) AS s WHERE NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = s)`,
        [schemasOf(config)],
      );
      const missing = rows[0]?.missing ?? [];
      if (missing.length > 0) return `schema ${missing.join(', ')} does not exist in database ${config.database}`;
      if (config.replication_method?.method === 'CDC') {
        const { checkCdc } = await import('./cdc/setup.js');
        return await checkCdc(client, config.replication_method);
      }
      return undefined;
    } finally {
      await client.end().catch(() => undefined);
    }
  },
  async discover(config) {
    const client = await connectPostgres(config, SESSION);
    try {
      const tables = await listTables(client, schemasOf(config));
      const cdc = config.replication_method?.method === 'CDC';
      return { streams: tables.map((table) => describeTable(table, cdc)) };
    } finally {
      await client.end().catch(() => undefined);
    }
  },
  async read(config, catalog, state, out) {
    const client = await connectPostgres(config, SESSION);
    try {
      const options = {
        client,
        catalog,
        state,
        out,
        chunkSize: config.chunk_size ?? 10_000,
        defaultSchema: schemasOf(config)[0]!,
        database: config.database,
      };
      if (config.replication_method?.method === 'CDC') {
        const { readCdc } = await import('./cdc/read-cdc.js');
        // Following (FOLLOW-CONTRACT.md): stream the WAL after catching up, until stdin ends or SIGTERM.
        await readCdc({ ...options, method: config.replication_method, config, follow: process.env['SLUICE_FOLLOW'] === '1' });
      } else await readStandard(options);
    } finally {
      await client.end().catch(() => undefined);
    }
  },
});
