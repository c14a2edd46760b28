// Owns opening the control plane's store: the workspace directory (--workspace, SLUICE_HOME, or .sluice in the
// working directory) holds the SQLite database and the secret key file; SLUICE_DATABASE_URL puts the database in
// PostgreSQL instead, in its own schema (SLUICE_DATABASE_SCHEMA, default sluice), with the key from
// SLUICE_SECRET_KEY. The schema is migrated on open. Job logs are in the database (job_log_chunks); a workspace
// from before keeps its older jobs' log files under logs/, read from the paths those jobs recorded.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SluiceError } from '../../runtime/errors.js';
import { ActorRepo } from './actor-repo.js';
import { ConnectionRepo } from './connection-repo.js';
import type { Driver } from './driver.js';
import { JobLogRepo } from './job-log-repo.js';
import { JobRepo } from './job-repo.js';
import { migrate } from './migrate.js';
import { databaseSchema, preparePostgresSchema } from './postgres-schema.js';
import { SecretBox } from './secret-box.js';
import { SessionRepo } from './session-repo.js';
import { loadSecretKey } from './secret-key.js';
import { StateRepo } from './state-repo.js';
import { TokenRepo } from './token-repo.js';
import { WebhookRepo } from './webhook-repo.js';
import { WorkerRepo } from './worker-repo.js';

export interface StoreOptions {
  workspace?: string;
  env?: NodeJS.ProcessEnv;
}

export class Store {
  readonly actors: ActorRepo;
  readonly connections: ConnectionRepo;
  readonly jobs: JobRepo;
  readonly jobLogs: JobLogRepo;
  readonly state: StateRepo;
  readonly tokens: TokenRepo;
  readonly sessions: SessionRepo;
  readonly webhooks: WebhookRepo;
  readonly workers: WorkerRepo;

  constructor(
    readonly db: Driver,
    box: SecretBox,
    readonly workspace: string,
    /** Where a PostgreSQL workspace is (its job queue lives beside it); undefined for SQLite. */
    readonly postgres?: { url: string; schema: string },
  ) {
    this.actors = new ActorRepo(db, box);
    this.connections = new ConnectionRepo(db, box);
    this.jobs = new JobRepo(db);
    this.jobLogs = new JobLogRepo(db);
    this.state = new StateRepo(db);
    this.tokens = new TokenRepo(db);
    this.sessions = new SessionRepo(db);
    this.webhooks = new WebhookRepo(db, box);
    this.workers = new WorkerRepo(db);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

export function workspaceDir(options: StoreOptions = {}): string {
  const env = options.env ?? process.env;
  return resolve(options.workspace ?? (env['SLUICE_HOME'] || '.sluice'));
}

export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const env = options.env ?? process.env;
  const workspace = workspaceDir(options);
  try {
    mkdirSync(workspace, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new SluiceError('file.write_failed', `cannot create the workspace ${workspace}: ${(error as Error).message}`, { cause: error });
  }
  const url = env['SLUICE_DATABASE_URL'] || undefined;
  const schema = url ? databaseSchema(env) : undefined;
  const box = new SecretBox(loadSecretKey(workspace, env, { shared: url !== undefined }));
  let driver: Driver;
  try {
    // Each driver is loaded only when used: a CLI command that needs no database pays for neither.
    driver = url
      ? new (await import('./postgres-driver.js')).PostgresDriver(url, schema!)
      : new (await import('./sqlite-driver.js')).SqliteDriver(join(workspace, 'sluice.db'));
  } catch (error) {
    throw new SluiceError('store.unavailable', `cannot open the database ${url ? 'SLUICE_DATABASE_URL' : join(workspace, 'sluice.db')}: ${(error as Error).message}`, { cause: error });
  }
  try {
    if (schema !== undefined) await preparePostgresSchema(driver, schema);
    await migrate(driver);
  } catch (error) {
    await driver.close().catch(() => undefined);
    if (error instanceof SluiceError) throw error;
    throw new SluiceError('store.unavailable', `cannot use the database ${driver.location}: ${(error as Error).message}`, { cause: error });
  }
  return new Store(driver, box, workspace, url === undefined ? undefined : { url, schema: schema! });
}
