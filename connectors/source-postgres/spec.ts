// Owns source-postgres's configuration: the connection (shared with the destination), the schemas to discover,
// the rows between checkpoints, and the replication method (Standard: cursor columns; CDC: logical replication with pgoutput).
import type { ConnectorSpecification } from '../../protocol/types.generated.js';
import { postgresConnectionProperties, postgresConnectionRequired, type PostgresConnectionConfig } from '../kit/postgres/connection.js';

export interface CdcMethod {
  method: 'CDC';
  replication_slot: string;
  publication: string;
  plugin?: 'pgoutput';
  /** Create the slot and publication when they are missing (default true). */
  create_missing?: boolean;
}

export interface SourcePostgresConfig extends PostgresConnectionConfig {
  schemas?: string[];
  chunk_size?: number;
  replication_method?: { method: 'Standard' } | CdcMethod;
}

export const spec: ConnectorSpecification = {
  documentationUrl: 'https://github.com/sluice-data/sluice#source-postgres',
  connectionSpecification: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'PostgreSQL source',
    type: 'object',
    required: [...postgresConnectionRequired],
    properties: {
      ...postgresConnectionProperties,
      schemas: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        minItems: 1,
        default: ['public'],
        title: 'Schemas',
        description: 'the schemas whose tables and views are discovered',
        order: 7,
      },
      chunk_size: {
        type: 'integer',
        minimum: 1,
        default: 10000,
        title: 'Rows per chunk',
        description: 'rows between STATEs: each table is read as one streamed query, and a STATE follows every chunk (for an incremental stream, at the next change of cursor value), so an interrupted read resumes after the last one',
        order: 8,
      },
      replication_method: {
        type: 'object',
        title: 'Replication method',
        order: 9,
        oneOf: [
          {
            title: 'Standard',
            description: 'incremental streams read rows whose cursor column is newer than the saved one',
            required: ['method'],
            properties: { method: { type: 'string', const: 'Standard' } },
          },
          {
            title: 'CDC (logical replication)',
            description:
              'initial snapshot, then inserts, updates and deletes from a logical replication slot (pgoutput); needs wal_level = logical',
            required: ['method', 'replication_slot', 'publication'],
            properties: {
              method: { type: 'string', const: 'CDC' },
              plugin: { type: 'string', enum: ['pgoutput'], default: 'pgoutput' },
              replication_slot: { type: 'string', pattern: '^[a-z0-9_]{1,63}$', description: 'logical replication slot name' },
              publication: { type: 'string', minLength: 1, description: 'publication naming the tables to capture' },
              create_missing: {
                type: 'boolean',
                default: true,
                description: 'create the slot and the publication (FOR the configured tables) when they do not exist',
              },
            },
          },
        ],
      },
    },
  },
};
