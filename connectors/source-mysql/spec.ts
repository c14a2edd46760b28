// Owns source-mysql's configuration: the MySQL or MariaDB server, the database whose tables are streams, TLS, and
// the rows per chunk.
import type { ConnectorSpecification } from '../../protocol/types.generated.js';

export interface SourceMysqlConfig {
  host: string;
  port?: number;
  database: string;
  username: string;
  password?: string;
  ssl_mode?: { mode: 'disabled' | 'preferred' | 'required' | 'verify_ca' | 'verify_identity'; ca_certificate?: string; client_certificate?: string; client_key?: string };
  chunk_size?: number;
  connect_timeout_seconds?: number;
}

export const spec: ConnectorSpecification = {
  documentationUrl: 'https://github.com/sluice-data/sluice#source-mysql',
  connectionSpecification: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'MySQL / MariaDB source',
    type: 'object',
    required: ['host', 'database', 'username'],
    properties: {
      host: { type: 'string', minLength: 1, title: 'Host', order: 0 },
      port: { type: 'integer', minimum: 1, maximum: 65535, default: 3306, title: 'Port', order: 1 },
      database: { type: 'string', minLength: 1, title: 'Database', order: 2 },
      username: { type: 'string', minLength: 1, title: 'User', order: 3 },
      password: { type: 'string', title: 'Password', airbyte_secret: true, order: 4 },
      ssl_mode: {
        type: 'object',
        title: 'SSL mode',
        description: 'disabled; preferred/required: TLS without certificate checks; verify_ca: the CA must sign the server certificate; verify_identity: and the host name must match',
        required: ['mode'],
        properties: {
          mode: { type: 'string', enum: ['disabled', 'preferred', 'required', 'verify_ca', 'verify_identity'], default: 'disabled' },
          ca_certificate: { type: 'string', airbyte_secret: true, multiline: true },
          client_certificate: { type: 'string', airbyte_secret: true, multiline: true },
          client_key: { type: 'string', airbyte_secret: true, multiline: true },
        },
        order: 5,
      },
      chunk_size: { type: 'integer', minimum: 1, default: 10000, title: 'Rows per chunk', description: 'rows between STATEs: each table is read as one streamed query, and a STATE follows every chunk (for an incremental stream, at the next change of cursor value)', order: 6 },
      connect_timeout_seconds: { type: 'integer', minimum: 1, default: 30, title: 'Connect timeout (s)', order: 7 },
    },
  },
};
