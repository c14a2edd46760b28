// Owns destination-postgres's configuration: the connection (shared with the source), the target schema, where
// stream namespaces go, the internal schema for Sluice's bookkeeping, and how many rows a COPY batch holds.
import type { ConnectorSpecification } from '../../protocol/types.generated.js';
import { postgresConnectionProperties, postgresConnectionRequired, type PostgresConnectionConfig } from '../kit/postgres/connection.js';

export interface DestinationPostgresConfig extends PostgresConnectionConfig {
  schema?: string;
  namespace_mode?: 'destination' | 'source';
  internal_schema?: string;
}

export const spec: ConnectorSpecification = {
  documentationUrl: 'https://github.com/sluice-data/sluice#destination-postgres',
  supported_destination_sync_modes: ['overwrite', 'append', 'append_dedup'],
  connectionSpecification: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'PostgreSQL destination',
    type: 'object',
    required: [...postgresConnectionRequired],
    properties: {
      ...postgresConnectionProperties,
      schema: { type: 'string', minLength: 1, maxLength: 63, default: 'public', title: 'Target schema', order: 7 },
      namespace_mode: {
        type: 'string',
        enum: ['destination', 'source'],
        default: 'destination',
        title: 'Namespaces',
        description: "destination: every stream's table goes into the target schema; source: into a schema named like the stream's namespace (the target schema when it has none)",
        order: 8,
      },
      internal_schema: {
        type: 'string',
        minLength: 1,
        maxLength: 63,
        default: 'airbyte_internal',
        title: 'Internal schema',
        description: 'where Sluice keeps what it needs to resume an interrupted overwrite',
        order: 9,
      },
    },
  },
};
