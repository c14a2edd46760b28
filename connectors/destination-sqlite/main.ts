#!/usr/bin/env node
// Owns destination-sqlite: one typed table per stream in a SQLite database (WAL mode), written with better-sqlite3.
// One transaction per commit window: it begins at the first write after a commit and commits in commit(), so the
// kit echoes a STATE only once the transaction holding its records is durable (synchronous=FULL). Overwritten
// tables are swapped in at finish, all in one transaction. _airbyte_extracted_at holds milliseconds since the epoch.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { runDestination } from '../kit/destination.js';
import { ConnectorError } from '../kit/run-connector.js';
import { streamKey } from '../../protocol/state.js';
import { StreamTable } from './stream-table.js';
import { tableNames } from './table-names.js';

interface SqliteConfig {
  database_path: string;
}

await runDestination<SqliteConfig>({
  spec: {
    documentationUrl: 'https://github.com/sluice-data/sluice#destination-sqlite',
    supported_destination_sync_modes: ['overwrite', 'append', 'append_dedup'],
    connectionSpecification: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: 'SQLite destination',
      type: 'object',
      required: ['database_path'],
      additionalProperties: false,
      properties: {
        database_path: { type: 'string', format: 'path', minLength: 1, description: 'the database file, created with its directory if missing' },
      },
    },
  },
  // Columns are read from each record's data text (kit/data-fields.ts): the kit only checks it is JSON.
  parseRecords: false,
  async check(config) {
    try {
      const db = await openDatabase(config.database_path);
      try {
        db.exec('BEGIN IMMEDIATE');
        db.exec('ROLLBACK');
      } finally {
        db.close();
      }
      return undefined;
    } catch (error) {
      return error instanceof ConnectorError ? error.message : `cannot write ${config.database_path}: ${(error as Error).message}`;
    }
  },
  async open(config, catalog, context) {
    const db = await openDatabase(config.database_path);
    const names = tableNames(catalog.streams);
    const tables = new Map<string, StreamTable>();
    catalog.streams.forEach((configured, index) => {
      tables.set(streamKey(configured.stream), new StreamTable(db, configured, names[index]!, (message) => context.log(message, 'WARN')));
    });
    db.transaction(() => {
      for (const table of tables.values()) table.setUp();
    })();
    let inTransaction = false;
    return {
      async write(stream, records) {
        if (!inTransaction) {
          db.exec('BEGIN IMMEDIATE');
          inTransaction = true;
        }
        tables.get(streamKey(stream.stream))!.insert(records);
      },
      async commit() {
        if (!inTransaction) return;
        db.exec('COMMIT');
        inTransaction = false;
      },
      async finish(isComplete) {
        db.transaction(() => {
          for (const table of tables.values()) {
            for (const statement of table.finishStatements(isComplete(table.configured))) db.exec(statement);
          }
        })();
        // Closing the last connection folds the write-ahead log into the database file.
        db.close();
      },
      async abort() {
        if (inTransaction) db.exec('ROLLBACK');
        db.close();
      },
    };
  },
});

async function openDatabase(path: string): Promise<Database.Database> {
  try {
    await mkdir(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 10000');
    return db;
  } catch (error) {
    throw new ConnectorError(`cannot open the database ${path}: ${(error as Error).message}`, 'config_error');
  }
}
