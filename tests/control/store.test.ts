// The store against both databases: migrations, secrets encrypted at rest, connections, state, jobs.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type Store } from '../../control/store/open-store.js';
import { migrate } from '../../control/store/migrate.js';
import { migrations } from '../../control/store/migrations/index.js';
import { loadConnectionState } from '../../control/store/connection-state-store.js';
import { tempDir } from '../support/cli.js';
import { postgresAvailability, useFreshDatabase } from '../support/postgres.js';
import type { Commit } from '../../runtime/sync/commit/ledger.js';
import type { MappersDefinition } from '../../runtime/mappers/index.js';

const postgresMissing = await postgresAvailability();
const KEY = Buffer.alloc(32, 7).toString('base64');

function storeContract(label: string, env: () => NodeJS.ProcessEnv): void {
  describe(`the store on ${label}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await openStore({ workspace: tempDir(), env: env() });
    });
    afterAll(async () => {
      await store?.close();
    });

    it('migrates once: a second run applies nothing', async () => {
      expect(await migrate(store.db)).toEqual([]);
      const versions = await store.db.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(versions.map((row) => Number(row.version))).toEqual(migrations.map((migration) => migration.version));
    });

    it('keeps secret fields encrypted at rest and decrypted for Sluice', async () => {
      const actor = await store.actors.create('source', {
        name: 'pg-secret', connector: 'source-faker', config: { user: 'ann', password: 'hunter2-very-secret', nested: { token: 'tok-123456' } },
        secretPaths: [['password'], ['nested', 'token']],
      });
      const row = await store.db.one<{ config: string }>('SELECT config FROM actors WHERE id = ?', [actor.id]);
      expect(row!.config).not.toContain('hunter2');
      expect(row!.config).not.toContain('tok-123456');
      expect(JSON.parse(row!.config)).toMatchObject({ user: 'ann', password: expect.stringMatching(/^enc:v1:/) });
      expect((await store.actors.find('source', 'pg-secret'))!.config).toEqual({ user: 'ann', password: 'hunter2-very-secret', nested: { token: 'tok-123456' } });
    });

    it("keeps a connection's mapper salts and keys encrypted at rest and decrypted for Sluice", async () => {
      const mappers = { users: { steps: [{ type: 'hash' as const, field: 'email', salt: 'pepper-at-rest' }, { type: 'encrypt' as const, field: 'ssn', key: 'cd'.repeat(32) }] } };
      const connection = await newConnection(store, 'mapped-conn', mappers);
      const row = await store.db.one<{ mappers: string }>('SELECT mappers FROM connections WHERE id = ?', [connection.id]);
      expect(row!.mappers).not.toContain('pepper-at-rest');
      expect(row!.mappers).not.toContain('cd'.repeat(32));
      expect(JSON.parse(row!.mappers).users.steps[0]).toEqual({ type: 'hash', field: 'email', salt: expect.stringMatching(/^enc:v1:/) });
      expect((await store.connections.find('mapped-conn'))!.mappers).toEqual(mappers);
      expect((await newConnection(store, 'unmapped-conn')).mappers).toBeNull();
    });

    it("keeps a connection's worker label, none by default, and a worker's labels", async () => {
      const unlabelled = await newConnection(store, 'any-worker-conn');
      expect(unlabelled.workerLabel).toBeNull();
      const { id: _id, createdAt: _created, updatedAt: _updated, ...fields } = unlabelled;
      const labelled = await store.connections.update(unlabelled.id, { ...fields, workerLabel: 'docker-gpu' });
      expect(labelled.workerLabel).toBe('docker-gpu');
      expect((await store.connections.find('any-worker-conn'))!.workerLabel).toBe('docker-gpu');
      expect((await store.connections.update(unlabelled.id, { ...fields, workerLabel: null })).workerLabel).toBeNull();
      await store.workers.register({ id: 'host-a:1', host: 'host-a', pid: 1, concurrency: 2, labels: ['docker-gpu', 'big.mem'] });
      await store.workers.register({ id: 'host-b:2', host: 'host-b', pid: 2, concurrency: 1, labels: [] });
      const live = await store.workers.live(60_000);
      expect(live.map((worker) => [worker.id, worker.labels])).toEqual([['host-a:1', ['docker-gpu', 'big.mem']], ['host-b:2', []]]);
    });

    it('refuses a second actor of the same kind and name', async () => {
      await store.actors.create('destination', { name: 'dup', connector: 'destination-dev-null', config: {}, secretPaths: [] });
      await expect(store.actors.create('destination', { name: 'dup', connector: 'destination-dev-null', config: {}, secretPaths: [] })).rejects.toThrow(
        'a destination named dup already exists',
      );
    });

    it('keeps a LEGACY state as one LEGACY message, and reads a bare blob stored before as LEGACY too', async () => {
      const connection = await newConnection(store, 'legacy-conn');
      const state = await loadConnectionState(store.state, connection);
      state.apply({ kind: 'LEGACY', covered: new Map(), state: { type: 'LEGACY', data: { users: { cursor: 7 } } } });
      await state.flushed();
      expect(await store.state.load(connection.id)).toEqual([{ type: 'LEGACY', data: { users: { cursor: 7 } } }]);
      expect((await loadConnectionState(store.state, connection)).forSource).toEqual({ users: { cursor: 7 } });
      await store.db.run('UPDATE connection_state SET message = ? WHERE connection_id = ?', ['{"users":{"cursor":8}}', connection.id]);
      expect((await loadConnectionState(store.state, connection)).forSource).toEqual({ users: { cursor: 8 } });
    });

    it('stores state per stream and replaces it whole at each save', async () => {
      const connection = await newConnection(store, 'state-conn');
      const state = await loadConnectionState(store.state, connection);
      expect(state.forSource).toBeUndefined();
      state.apply(streamCommit('users', { updated_at: 5 }));
      state.apply(streamCommit('orders', { updated_at: 9 }));
      await state.flushed();
      const rows = await store.db.all<{ stream: string }>('SELECT stream FROM connection_state WHERE connection_id = ? ORDER BY position', [connection.id]);
      expect(rows.map((row) => row.stream)).toEqual(['users', 'orders']);
      const reloaded = await loadConnectionState(store.state, connection);
      expect(reloaded.location).toBe('connection state-conn');
      expect(await reloaded.reset({ name: 'users' })).toBe(true);
      expect(await store.state.load(connection.id)).toEqual([streamCommit('orders', { updated_at: 9 }).state]);
    });

    it('allows one running job per connection and records attempts', async () => {
      const connection = await newConnection(store, 'job-conn');
      const job = await store.jobs.start(connection, 'manual', 'host:1');
      await expect(store.jobs.start(connection, 'manual', 'host:2')).rejects.toThrow(`connection job-conn already has a running job (job ${job.id}, on host:1)`);
      await store.jobs.startAttempt(job.id, 1);
      await store.jobs.finishAttempt(job.id, 1, { status: 'failed', recordsEmitted: 3, recordsCommitted: 2, failure: { code: 'connector.failed', message: 'boom' } });
      expect(await store.jobs.requestCancel(job.id)).toBe(true);
      expect(await store.jobs.heartbeat(job.id)).toBe('cancel');
      await store.state.save(connection.id, [streamCommit('orders', { updated_at: 1 }).state], job.id);
      expect(await store.jobs.finish(job.id, 'cancelled')).toBe(true);
      expect(await store.jobs.finish(job.id, 'failed')).toBe(false);
      // A runner whose job was ended elsewhere is told so by its heartbeat, and its state saves are refused.
      expect(await store.jobs.heartbeat(job.id)).toBe('lost');
      await expect(store.state.save(connection.id, [streamCommit('orders', { updated_at: 2 }).state], job.id)).rejects.toThrow(`job ${job.id} no longer runs connection`);
      expect(await store.state.load(connection.id)).toEqual([streamCommit('orders', { updated_at: 1 }).state]);
      const next = await store.jobs.start(connection, 'schedule', 'host:1');
      expect(next.id).toBeGreaterThan(job.id);
      expect((await store.jobs.attempts(job.id))[0]).toMatchObject({ number: 1, status: 'failed', recordsCommitted: 2, failureCode: 'connector.failed' });
      expect((await store.jobs.list({ connectionId: connection.id })).map((item) => item.id)).toEqual([next.id, job.id]);
    });

    it('hands out API tokens once and keeps only their hash', async () => {
      const { token } = await store.tokens.create('ci');
      expect(await store.tokens.verify(token)).toMatchObject({ name: 'ci' });
      expect(await store.tokens.verify(`${token}x`)).toBeUndefined();
      const rows = await store.db.all<{ token_hash: string }>('SELECT token_hash FROM api_tokens');
      expect(JSON.stringify(rows)).not.toContain(token);
    });

    it("keeps a session's hash only, and ends the sessions of a revoked token", async () => {
      const { token, record } = await store.tokens.create('browser');
      const { session } = await store.sessions.open(record.id, 60_000);
      expect(await store.sessions.verify(session)).toMatchObject({ name: 'browser' });
      expect(await store.sessions.verify(`${session}x`)).toBeUndefined();
      expect(JSON.stringify(await store.db.all('SELECT * FROM api_sessions'))).not.toContain(session);
      const expired = (await store.sessions.open(record.id, -1)).session;
      expect(await store.sessions.verify(expired)).toBeUndefined();
      expect(await store.tokens.revoke('browser')).toBe(true);
      expect(await store.sessions.verify(session)).toBeUndefined();
      expect(await store.db.all('SELECT * FROM api_sessions')).toEqual([]);
      expect(token).toMatch(/^slc_/);
    });

    it("keeps a job's log in ordered chunks, read from after a seq, and counts its bytes", async () => {
      const connection = await newConnection(store, 'log-conn');
      const job = await store.jobs.start(connection, 'manual', 'host:1');
      const other = await store.jobs.start(await newConnection(store, 'other-log-conn'), 'manual', 'host:1');
      expect(await store.jobLogs.has(job.id)).toBe(false);
      await store.jobLogs.append(job.id, 1, '{"msg":"one"}\n');
      await store.jobLogs.append(other.id, 1, '{"msg":"elsewhere"}\n');
      await store.jobLogs.append(job.id, 2, '{"msg":"two é"}\n{"msg":"three"}\n');
      expect(await store.jobLogs.readFrom(job.id)).toEqual([{ seq: 1, text: '{"msg":"one"}\n' }, { seq: 2, text: '{"msg":"two é"}\n{"msg":"three"}\n' }]);
      expect(await store.jobLogs.readFrom(job.id, 1)).toEqual([{ seq: 2, text: '{"msg":"two é"}\n{"msg":"three"}\n' }]);
      expect(await store.jobLogs.readFrom(job.id, 2)).toEqual([]);
      await expect(store.jobLogs.append(job.id, 2, 'again\n')).rejects.toThrow();
      await store.jobLogs.recordDropped(job.id, 3, 120);
      expect(await store.jobLogs.has(job.id)).toBe(true);
      expect(await store.jobLogs.size(job.id)).toEqual({ storedBytes: 14 + 33, droppedLines: 3, droppedBytes: 120 });
      expect(await store.jobLogs.size(other.id)).toEqual({ storedBytes: 20, droppedLines: 0, droppedBytes: 0 });
    });

    it("records a running job's live numbers, and keeps them once it has ended", async () => {
      const connection = await newConnection(store, 'live-conn');
      const job = await store.jobs.start(connection, 'manual', 'host:1');
      const streams = [{ name: 'users', recordsEmitted: 7, bytesEmitted: 70, recordsCommitted: 5, bytesCommitted: 50, estimate: 100, status: 'RUNNING' }];
      await store.jobs.updateLive(job.id, { recordsEmitted: 7, recordsCommitted: 5, bytesCommitted: 50, streams });
      expect(await store.jobs.byId(job.id)).toMatchObject({ recordsEmitted: 7, recordsCommitted: 5, bytesCommitted: 50, streamCounts: streams });
      await store.jobs.finish(job.id, 'succeeded');
      await store.jobs.updateLive(job.id, { recordsEmitted: 9, recordsCommitted: 9, bytesCommitted: 90, streams: [] });
      expect(await store.jobs.byId(job.id)).toMatchObject({ recordsEmitted: 7, streamCounts: streams });
    });
  });
}

storeContract('SQLite', () => ({ SLUICE_SECRET_KEY: KEY }));

describe.runIf(!postgresMissing)('PostgreSQL', () => {
  const url = useFreshDatabase();
  storeContract('PostgreSQL', () => ({ SLUICE_SECRET_KEY: KEY, SLUICE_DATABASE_URL: url() }));
});

describe('the secret key', () => {
  it('is generated once in the workspace, readable by its owner only', async () => {
    const workspace = tempDir();
    const first = await openStore({ workspace, env: {} });
    await first.actors.create('source', { name: 's', connector: 'source-faker', config: { password: 'p4ssw0rd' }, secretPaths: [['password']] });
    await first.close();
    expect(statSync(join(workspace, 'secret.key')).mode & 0o777).toBe(0o600);
    const second = await openStore({ workspace, env: {} });
    expect((await second.actors.find('source', 's'))!.config).toEqual({ password: 'p4ssw0rd' });
    await second.close();
  });

  it('is refused when others can read the key file', async () => {
    const workspace = tempDir();
    writeFileSync(join(workspace, 'secret.key'), `${KEY}\n`);
    chmodSync(join(workspace, 'secret.key'), 0o644);
    await expect(openStore({ workspace, env: {} })).rejects.toThrow(`the secret key file ${join(workspace, 'secret.key')} can be read by others (mode 644)`);
  });

  it('names the field it cannot decrypt with another key', async () => {
    const workspace = tempDir();
    const store = await openStore({ workspace, env: { SLUICE_SECRET_KEY: KEY } });
    await store.actors.create('source', { name: 'locked', connector: 'source-faker', config: { password: 'p4ssw0rd' }, secretPaths: [['password']] });
    await store.close();
    const other = await openStore({ workspace, env: { SLUICE_SECRET_KEY: Buffer.alloc(32, 9).toString('base64') } });
    await expect(other.actors.find('source', 'locked')).rejects.toThrow('source locked, field password: the stored secret cannot be decrypted with this key');
    await other.close();
  });
});

async function newConnection(store: Store, name: string, mappers: MappersDefinition | null = null) {
  const source = await store.actors.create('source', { name: `${name}-src`, connector: 'source-faker', config: { count: 1 }, secretPaths: [] });
  const destination = await store.actors.create('destination', { name: `${name}-dst`, connector: 'destination-dev-null', config: {}, secretPaths: [] });
  return store.connections.create({
    name, sourceId: source.id, destinationId: destination.id, catalog: { streams: [] }, discovered: null, namespace: null, streamPrefix: '',
    schedule: null, status: 'active', statusReason: null, schemaChangePolicy: 'ignore', mappers,
  });
}

function streamCommit(name: string, blob: Record<string, unknown>): Commit {
  return { kind: 'STREAM', covered: new Map(), state: { type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: blob } } };
}
