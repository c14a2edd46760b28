// The database connectors pass `sluice test-connector` against the servers on this machine, as processes and as
// their Docker images (on the host's network, where the servers listen).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import mysql from 'mysql2/promise';
import { dockerAvailability, requireService } from '../support/services.js';
import { postgresAvailability, useFreshDatabase } from '../support/postgres.js';
import { sourceConfig, sqlOn, targetOf } from '../support/pg-connectors.js';
import { jsonFile, repoRoot, sluice, tempDir } from '../support/cli.js';

const MYSQL = { host: '127.0.0.1', port: 3306, username: 'root', password: '' };
const connectMysql = () => mysql.createConnection({ host: MYSQL.host, port: MYSQL.port, user: MYSQL.username, password: MYSQL.password, multipleStatements: true });
const postgresMissing = await postgresAvailability();
const mysqlMissing = await requireService('MariaDB/MySQL', async () => (await connectMysql()).end(), 'start MariaDB on 127.0.0.1:3306 (root, empty password)');
const dockerMissing = await dockerAvailability();

async function passes(reference: string, config: object, extra: string[] = []): Promise<void> {
  const result = await sluice(['test-connector', reference, '--config', jsonFile(tempDir('sluice-db-acceptance-'), 'config.json', config), ...extra], { timeout: 280_000 });
  expect(result.exitCode, result.stdout + result.stderr).toBe(0);
  expect(result.stdout).toMatch(/\d+ passed, 0 failed/);
}

const onHostNetwork = ['--docker-network', 'host'];

describe.runIf(!postgresMissing)('PostgreSQL connectors', { timeout: 300_000 }, () => {
  const url = useFreshDatabase();
  beforeAll(async () => {
    await sqlOn(url(), `CREATE SCHEMA acceptance;
      CREATE TABLE acceptance.items (id integer PRIMARY KEY, name text NOT NULL, price numeric(8,2), updated_at timestamptz NOT NULL);
      INSERT INTO acceptance.items SELECT i, 'item ' || i, i * 1.25, timestamptz '2024-01-01' + i * interval '1 hour' FROM generate_series(1, 40) i;`);
  });
  const source = () => sourceConfig(url(), 'acceptance');
  const destination = () => ({ ...targetOf(url()), schema: 'acceptance_out' });

  it('source-postgres as a process', () => passes('source-postgres', source()));
  it('destination-postgres as a process', () => passes('destination-postgres', destination()));

  describe.runIf(!dockerMissing)('as Docker images', () => {
    beforeAll(async () => {
      await execa('scripts/build-images.sh', { cwd: repoRoot, stdout: 'ignore', stderr: 'inherit' });
    }, 900_000);
    it('docker:sluice/source-postgres:dev', () => passes('docker:sluice/source-postgres:dev', source(), onHostNetwork));
    it('docker:sluice/destination-postgres:dev', () => passes('docker:sluice/destination-postgres:dev', destination(), onHostNetwork));
  });
});

describe.runIf(!mysqlMissing)('source-mysql', { timeout: 300_000 }, () => {
  const database = `sluice_acceptance_${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    const connection = await connectMysql();
    await connection.query(`CREATE DATABASE ${database};
      CREATE TABLE ${database}.orders (id INT PRIMARY KEY, customer VARCHAR(40) NOT NULL, amount DECIMAL(8,2), updated_at DATETIME NOT NULL);
      INSERT INTO ${database}.orders VALUES (1, 'ada', 12.50, '2024-01-01 10:00:00'), (2, 'grace', 7.25, '2024-01-02 11:00:00'), (3, 'alan', 100, '2024-01-03 12:00:00');`);
    await connection.end();
  });
  afterAll(async () => {
    const connection = await connectMysql();
    await connection.query(`DROP DATABASE IF EXISTS ${database}`);
    await connection.end();
  });
  const config = () => ({ ...MYSQL, database });

  it('as a process', () => passes('source-mysql', config()));
  it.runIf(!dockerMissing)('as its Docker image', async () => {
    await execa('scripts/build-images.sh', { cwd: repoRoot, stdout: 'ignore', stderr: 'inherit' });
    await passes('docker:sluice/source-mysql:dev', config(), onHostNetwork);
  }, 900_000);
});
