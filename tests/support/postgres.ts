// Gives tests a PostgreSQL database of their own on the machine's server (127.0.0.1:5432, or the server
// SLUICE_TEST_POSTGRES_URL names): created fresh for a test file, dropped afterwards. Without a server the tests
// skip with one line saying why, and under CI=true they fail (tests/support/services.ts).
//
//   const postgresMissing = await postgresAvailability();
//   describe.runIf(!postgresMissing)('…', () => { const url = useFreshDatabase(); … });
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { requireService } from './services.js';

export const postgresAdminUrl = process.env['SLUICE_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function postgresAvailability(): Promise<string | null> {
  return requireService('PostgreSQL', async () => {
    const client = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 3000 });
    await client.connect();
    try {
      await client.query('SELECT 1');
    } finally {
      await client.end();
    }
  }, `set SLUICE_TEST_POSTGRES_URL, or start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`);
}

/** A database created before the file's tests and dropped after them; returns a getter for its URL. */
export function useFreshDatabase(): () => string {
  const name = `sluice_test_${randomBytes(6).toString('hex')}`;
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  beforeAll(async () => {
    await admin(`CREATE DATABASE ${name}`);
  });
  afterAll(async () => {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
  return () => url.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresAdminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
