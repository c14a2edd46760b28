// A workspace whose database is PostgreSQL, on fresh databases: the secret key must come from SLUICE_SECRET_KEY
// (a key file on one host would leave the others unable to decrypt), and Sluice's tables live in their own schema
// (`sluice`, or SLUICE_DATABASE_SCHEMA), an install that had them in `public` being moved there on open.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { errorLine, tempDir } from '../support/cli.js';
import { workspace } from '../support/workspace.js';
import { postgresAvailability, useFreshDatabase } from '../support/postgres.js';
import { openStore } from '../../control/store/open-store.js';
import { PostgresDriver } from '../../control/store/postgres-driver.js';
import { migrate } from '../../control/store/migrate.js';
import { migrations } from '../../control/store/migrations/index.js';
import { SecretBox } from '../../control/store/secret-box.js';
import { ActorRepo } from '../../control/store/actor-repo.js';
import { ConnectionRepo } from '../../control/store/connection-repo.js';
import { JobRepo } from '../../control/store/job-repo.js';

const postgresMissing = await postgresAvailability();
const KEY = Buffer.alloc(32, 3).toString('base64');

async function tablesBySchema(url: string): Promise<Record<string, string[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query("SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2");
    const bySchema: Record<string, string[]> = {};
    for (const row of rows) (bySchema[row.table_schema] ??= []).push(row.table_name);
    return bySchema;
  } finally {
    await client.end();
  }
}

const TABLES = ['actors', 'api_sessions', 'api_tokens', 'connection_state', 'connections', 'job_attempts', 'job_log_chunks', 'jobs', 'schema_changes', 'schema_migrations', 'webhooks', 'workers'];

describe.runIf(!postgresMissing)('a PostgreSQL workspace', () => {
  describe('without SLUICE_SECRET_KEY', () => {
    const url = useFreshDatabase();
    it('is refused in one line naming the variable and how to make a key, and no key file is generated', async () => {
      const ws = workspace({ SLUICE_DATABASE_URL: url() });
      const result = await ws.run(['source', 'list']);
      expect(result.exitCode).toBe(3);
      expect(errorLine(result.stderr)).toBe(
        'sluice: secret.key_missing: SLUICE_DATABASE_URL is set but SLUICE_SECRET_KEY is not: every host sharing the database must encrypt and decrypt secrets with the same key (make one with: openssl rand -base64 32, and set SLUICE_SECRET_KEY to it wherever Sluice uses this database)',
      );
      expect(existsSync(join(ws.env['SLUICE_HOME']!, 'secret.key'))).toBe(false);
      expect(await tablesBySchema(url())).toEqual({});
    });
  });

  describe('with SLUICE_SECRET_KEY', () => {
    const url = useFreshDatabase();
    it('keeps its tables in the schema sluice, and another host with the same key reads its secrets', async () => {
      const store = await openStore({ workspace: tempDir(), env: { SLUICE_DATABASE_URL: url(), SLUICE_SECRET_KEY: KEY } });
      await store.actors.create('source', { name: 's', connector: 'source-faker', config: { password: 'p4ssw0rd-elsewhere' }, secretPaths: [['password']] });
      await store.close();
      expect(await tablesBySchema(url())).toEqual({ sluice: TABLES });
      const elsewhere = await openStore({ workspace: tempDir(), env: { SLUICE_DATABASE_URL: url(), SLUICE_SECRET_KEY: KEY } });
      expect((await elsewhere.actors.find('source', 's'))!.config).toEqual({ password: 'p4ssw0rd-elsewhere' });
      await elsewhere.close();
    });
  });

  describe('with SLUICE_DATABASE_SCHEMA', () => {
    const url = useFreshDatabase();
    it('keeps its tables in that schema, and refuses a name that is not a plain identifier', async () => {
      const store = await openStore({ workspace: tempDir(), env: { SLUICE_DATABASE_URL: url(), SLUICE_SECRET_KEY: KEY, SLUICE_DATABASE_SCHEMA: 'etl_control' } });
      await store.close();
      expect(await tablesBySchema(url())).toEqual({ etl_control: TABLES });
      await expect(openStore({ workspace: tempDir(), env: { SLUICE_DATABASE_URL: url(), SLUICE_SECRET_KEY: KEY, SLUICE_DATABASE_SCHEMA: 'x; DROP TABLE y' } })).rejects.toThrow(
        'SLUICE_DATABASE_SCHEMA: "x; DROP TABLE y" is not a schema name Sluice accepts (lower-case letters, digits and _, starting with a letter or _, at most 44 characters: its job queue\'s schema adds _queue)',
      );
    });
  });

  describe('installed before the schema existed', () => {
    const url = useFreshDatabase();
    it('has its tables moved from public to sluice on open, with their rows, secrets and job numbering', async () => {
      const legacy = new PostgresDriver(url(), 'public');
      // The migrations such an install could have had: later ones (sessions, 4, on) came after the schema.
      await migrate(legacy, migrations.filter((migration) => migration.version <= 3));
      const actors = new ActorRepo(legacy, new SecretBox(Buffer.from(KEY, 'base64')));
      const source = await actors.create('source', { name: 'old', connector: 'source-faker', config: { password: 'p4ssw0rd-legacy' }, secretPaths: [['password']] });
      const destination = await actors.create('destination', { name: 'd', connector: 'destination-dev-null', config: {}, secretPaths: [] });
      // Written with the columns of that time (today's repo writes columns added by later migrations).
      await legacy.run(
        `INSERT INTO connections (id, name, source_id, destination_id, catalog, namespace, stream_prefix, schedule, status, schema_change_policy, created_at, updated_at)
           VALUES ('c-id', 'c', ?, ?, '{"streams":[]}', NULL, '', NULL, 'active', 'ignore', 0, 0)`,
        [source.id, destination.id],
      );
      const connection = (await new ConnectionRepo(legacy).byId('c-id'))!;
      const jobs = new JobRepo(legacy);
      await jobs.finish((await jobs.start(connection, 'api', 'there:1')).id, 'succeeded');
      await legacy.close();
      expect(Object.keys(await tablesBySchema(url()))).toEqual(['public']);

      const store = await openStore({ workspace: tempDir(), env: { SLUICE_DATABASE_URL: url(), SLUICE_SECRET_KEY: KEY } });
      try {
        expect(await tablesBySchema(url())).toEqual({ sluice: TABLES });
        expect((await store.actors.find('source', 'old'))!.config).toEqual({ password: 'p4ssw0rd-legacy' });
        expect((await store.jobs.list()).map((job) => [job.id, job.status])).toEqual([[1, 'succeeded']]);
        expect((await store.jobs.start(connection, 'api', 'here:1')).id).toBe(2);
      } finally {
        await store.close();
      }
    });
  });
});
