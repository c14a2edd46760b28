#!/usr/bin/env node
// Owns destination-postgres: typed final tables per stream in a target schema (with _airbyte_raw_id,
// _airbyte_extracted_at, _airbyte_meta), loaded with COPY; overwrite, append and append_dedup.
import { runConnector } from '../kit/run-connector.js';
import { connectPostgres, quoteIdent } from '../kit/postgres/connection.js';
import { commitIntervalFrom, writeStreams } from './loader.js';
import { spec, type DestinationPostgresConfig } from './spec.js';
import { schemaName } from './table-names.js';

await runConnector<DestinationPostgresConfig>({
  spec,
  async check(config) {
    let client;
    try {
      client = await connectPostgres(config);
    } catch (error) {
      return (error as Error).message;
    }
    const schema = schemaName(config.schema ?? 'public');
    try {
      await client.query('BEGIN');
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await client.query(`CREATE TABLE ${quoteIdent(schema)}."_sluice_check" (id int)`);
      await client.query('ROLLBACK');
      return undefined;
    } catch (error) {
      return `cannot create tables in schema ${schema} of database ${config.database}: ${(error as Error).message}`;
    } finally {
      await client.end().catch(() => undefined);
    }
  },
  async write(config, catalog, input, out) {
    // Checked before connecting: a bad interval is the runtime's configuration, one clear error.
    const commitIntervalMs = commitIntervalFrom(process.env);
    const client = await connectPostgres(config, { TimeZone: 'UTC' });
    try {
      await writeStreams(client, config, catalog, input, out, commitIntervalMs);
    } finally {
      await client.end().catch(() => undefined);
    }
  },
});
