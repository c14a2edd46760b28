// Owns connecting to PostgreSQL for the built-in connectors: the spec fields every PostgreSQL connector shares
// (host, port, database, username, password marked airbyte_secret, ssl_mode), turning them into a `pg` client with
// the right TLS options, and turning connection failures into one error that names the server and the cause: a
// config_error, or a transient_error when the server is only unreachable or not accepting connections for now (a
// restart, a failover: a following sync restarts after those instead of ending as if its configuration were wrong).
import type pg from 'pg';
import { ConnectorError } from '../run-connector.js';
import { nodePostgres } from './load-pg.js';

export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

export interface PostgresConnectionConfig {
  host: string;
  port?: number;
  database: string;
  username: string;
  password?: string;
  ssl_mode?: { mode: SslMode; ca_certificate?: string; client_certificate?: string; client_key?: string; client_key_password?: string };
  connect_timeout_seconds?: number;
}

/** The JSON Schema properties shared by the PostgreSQL source and destination specs. */
export const postgresConnectionProperties = {
  host: { type: 'string', minLength: 1, title: 'Host', order: 0 },
  port: { type: 'integer', minimum: 1, maximum: 65535, default: 5432, title: 'Port', order: 1 },
  database: { type: 'string', minLength: 1, title: 'Database', order: 2 },
  username: { type: 'string', minLength: 1, title: 'User', order: 3 },
  password: { type: 'string', title: 'Password', airbyte_secret: true, order: 4 },
  ssl_mode: {
    type: 'object',
    title: 'SSL mode',
    description:
      'disable: no TLS; allow/prefer: TLS when the server offers it; require: TLS without certificate checks; ' +
      'verify-ca: TLS, the server certificate must be signed by ca_certificate; verify-full: verify-ca and the host name must match.',
    required: ['mode'],
    properties: {
      mode: { type: 'string', enum: ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'], default: 'disable' },
      ca_certificate: { type: 'string', airbyte_secret: true, multiline: true, description: 'PEM CA certificate (verify-ca, verify-full)' },
      client_certificate: { type: 'string', airbyte_secret: true, multiline: true, description: 'PEM client certificate' },
      client_key: { type: 'string', airbyte_secret: true, multiline: true, description: 'PEM client key' },
      client_key_password: { type: 'string', airbyte_secret: true, description: 'passphrase of the client key' },
    },
    order: 5,
  },
  connect_timeout_seconds: { type: 'integer', minimum: 1, default: 30, title: 'Connect timeout (s)', order: 6 },
} as const;

export const postgresConnectionRequired = ['host', 'database', 'username'] as const;

/** `pg` client options for a config; `withSsl` lets `prefer`/`allow` retry without TLS. */
export function clientOptions(config: PostgresConnectionConfig, withSsl = true): pg.ClientConfig {
  const mode = config.ssl_mode?.mode ?? 'disable';
  const options: pg.ClientConfig = {
    host: config.host,
    port: config.port ?? 5432,
    database: config.database,
    user: config.username,
    password: config.password ?? '',
    connectionTimeoutMillis: (config.connect_timeout_seconds ?? 30) * 1000,
    application_name: 'sluice',
  };
  if (mode === 'disable' || !withSsl) return { ...options, ssl: false };
  const ssl = config.ssl_mode!;
  const tls: Record<string, unknown> = { rejectUnauthorized: mode === 'verify-ca' || mode === 'verify-full' };
  if (ssl.ca_certificate) tls['ca'] = ssl.ca_certificate;
  if (ssl.client_certificate) tls['cert'] = ssl.client_certificate;
  if (ssl.client_key) tls['key'] = ssl.client_key;
  if (ssl.client_key_password) tls['passphrase'] = ssl.client_key_password;
  // verify-ca checks the chain but not the host name.
  if (mode === 'verify-ca') tls['checkServerIdentity'] = () => undefined;
  return { ...options, ssl: tls };
}

/**
 * Connects, or throws a config_error (transient_error for an unreachable server) saying which server refused and why. `extra` adds client options (e.g.
 * `replication: 'database'`, whose connections take simple queries only: give no `settings` then).
 */
export async function connectPostgres(config: PostgresConnectionConfig, settings: Record<string, string> = {}, extra: pg.ClientConfig = {}): Promise<pg.Client> {
  const mode = config.ssl_mode?.mode ?? 'disable';
  let client: pg.Client;
  try {
    client = await open({ ...clientOptions(config), ...extra });
  } catch (error) {
    if ((mode === 'prefer' || mode === 'allow') && /does not support SSL/i.test((error as Error).message)) {
      client = await open({ ...clientOptions(config, false), ...extra }).catch((retry: unknown) => {
        throw connectionError(config, retry);
      });
    } else throw connectionError(config, error);
  }
  for (const [name, value] of Object.entries(settings)) {
    await client.query(`SELECT set_config($1, $2, false)`, [name, value]);
  }
  return client;
}

async function open(options: pg.ClientConfig): Promise<pg.Client> {
  const client = new nodePostgres.Client(options);
  // A connection that dies later surfaces through the query that uses it; do not crash on the event.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}

/**
 * Failures of a server that is down or not accepting connections for now (refused, reset, timed out, unreachable;
 * PostgreSQL's admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections): worth a retry.
 */
const UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300']);

/** A config_error (transient_error: the server is unavailable for now) naming the server, the user and PostgreSQL's own reason. */
export function connectionError(config: PostgresConnectionConfig, error: unknown): ConnectorError {
  const where = `PostgreSQL at ${config.host}:${config.port ?? 5432} (database ${config.database}, user ${config.username})`;
  const code = (error as { code?: string }).code;
  const reason = (error as Error).message || String(error);
  const hint =
    code === '28P01' || code === '28000'
      ? ': check username and password'
      : code === '3D000'
        ? ': check the database name'
        : code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT'
          ? ': check host and port, and that the server accepts TCP connections'
          : '';
  const wrapped = new ConnectorError(`cannot connect to ${where}: ${reason}${hint}`, code !== undefined && UNAVAILABLE.has(code) ? 'transient_error' : 'config_error');
  (wrapped as Error & { cause?: unknown }).cause = error;
  return wrapped;
}

/** A double-quoted identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."table"`. */
export function qualifiedName(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}
