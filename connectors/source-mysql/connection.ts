// Owns connecting to MySQL or MariaDB: TLS from ssl_mode, values as text where JavaScript would round them (BIGINT,
// DECIMAL) or shift them (dates), the session in UTC, and connection failures as one config_error naming the server.
import mysql from 'mysql2/promise';
import { ConnectorError } from '../kit/run-connector.js';
import type { SourceMysqlConfig } from './spec.js';

export async function connectMysql(config: SourceMysqlConfig): Promise<mysql.Connection> {
  const mode = config.ssl_mode?.mode ?? 'disabled';
  const ssl =
    mode === 'disabled'
      ? undefined
      : {
          rejectUnauthorized: mode === 'verify_ca' || mode === 'verify_identity',
          ...(config.ssl_mode?.ca_certificate ? { ca: config.ssl_mode.ca_certificate } : {}),
          ...(config.ssl_mode?.client_certificate ? { cert: config.ssl_mode.client_certificate } : {}),
          ...(config.ssl_mode?.client_key ? { key: config.ssl_mode.client_key } : {}),
          ...(mode === 'verify_ca' ? { checkServerIdentity: () => undefined } : {}),
        };
  try {
    const connection = await mysql.createConnection({
      host: config.host,
      port: config.port ?? 3306,
      user: config.username,
      password: config.password ?? '',
      database: config.database,
      connectTimeout: (config.connect_timeout_seconds ?? 30) * 1000,
      ...(ssl ? { ssl } : {}),
      supportBigNumbers: true,
      bigNumberStrings: true,
      decimalNumbers: false,
      dateStrings: true,
      jsonStrings: true,
      timezone: 'Z',
    });
    connection.on('error', () => undefined);
    await connection.query("SET time_zone = '+00:00'");
    return connection;
  } catch (error) {
    throw connectionError(config, error);
  }
}

function connectionError(config: SourceMysqlConfig, error: unknown): ConnectorError {
  const code = (error as { code?: string }).code;
  const hint =
    code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR'
      ? ': check username and password'
      : code === 'ER_BAD_DB_ERROR'
        ? ': check the database name'
        : code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT'
          ? ': check host and port'
          : '';
  const where = `MySQL at ${config.host}:${config.port ?? 3306} (database ${config.database}, user ${config.username})`;
  const wrapped = new ConnectorError(`cannot connect to ${where}: ${(error as Error).message}${hint}`, 'config_error');
  (wrapped as Error & { cause?: unknown }).cause = error;
  return wrapped;
}

export function quoteMysql(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}
