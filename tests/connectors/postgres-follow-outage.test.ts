// `sluice sync --follow` from source-postgres (CDC) while the source server is briefly unreachable (a TCP proxy in
// front of PostgreSQL is closed, then opened again, as a server restart looks to a client): the following sync
// restarts from its last committed state once the server is back and the changes made meanwhile arrive, instead of
// ending as if the configuration were wrong.
import { afterAll, describe, expect, it } from 'vitest';
import { execa, type ResultPromise } from 'execa';
import { existsSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { jsonFile, sluiceBin, tempDir } from '../support/cli.js';
import { useFreshDatabase } from '../support/postgres.js';
import { destinationConfig, logicalReplicationAvailability, sourceConfig, sqlOn, targetOf } from '../support/pg-connectors.js';

const logicalMissing = await logicalReplicationAvailability();

/** A TCP proxy to PostgreSQL that can be closed (connections cut, new ones refused) and opened again on its port. */
class Proxy {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => this.#sockets.delete(socket));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe.runIf(!logicalMissing)('sluice sync --follow, source server briefly unreachable', () => {
  const url = useFreshDatabase();
  const dir = tempDir('sluice-pg-outage-');
  const sql = (text: string, values?: unknown[]) => sqlOn(url(), text, values);
  const slot = `sluice_outage_${process.pid}`;
  let follower: ResultPromise | undefined;
  let proxy: Proxy | undefined;
  let log = '';

  afterAll(async () => {
    if (follower && follower.exitCode === null) {
      follower.kill('SIGKILL');
      await follower;
    }
    await proxy?.close();
    await sql(`SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1 AND active`, [slot]).catch(() => undefined);
    await sql(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1`, [slot]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  const until = async (what: string, check: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> => {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (follower?.exitCode !== null && follower?.exitCode !== undefined) throw new Error(`the follower ended (exit ${follower.exitCode}) while waiting for ${what}; its log ends: ${log}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the follower's log ends: ${log}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('restarts once the server is reachable again, and the changes made meanwhile arrive', async () => {
    await sql('CREATE SCHEMA app; CREATE TABLE app.items (id int PRIMARY KEY, name text NOT NULL)');
    const target = targetOf(url());
    proxy = new Proxy({ host: target.host, port: target.port });
    await proxy.open();
    const source = jsonFile(dir, 'source.json', {
      ...sourceConfig(url(), 'app', { replication_method: { method: 'CDC', replication_slot: slot, publication: `${slot}_pub` } }),
      host: '127.0.0.1',
      port: proxy.port,
    });
    const statePath = join(dir, 'state.json');
    follower = execa(process.execPath, [
      sluiceBin, 'sync', '--follow',
      '--source', 'source-postgres', '--source-config', source,
      '--destination', 'destination-postgres', '--destination-config', jsonFile(dir, 'destination.json', destinationConfig(url(), 'copy')),
      '--streams', 'app.items', '--state', statePath, '--json', '--backoff', '0.2',
    ], { reject: false });
    follower.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-3000)));
    const rows = async () => (await sql('SELECT count(*)::int AS n FROM copy.items').catch(() => [{ n: -1 }]))[0]!['n'] as number;

    await until('the first committed state', () => existsSync(statePath));
    await sql(`INSERT INTO app.items VALUES (1, 'before')`);
    await until('the first change', async () => (await rows()) === 1);

    // The server goes away for a moment (longer than the follow backoff), then comes back on the same address.
    await proxy.close();
    await sql(`INSERT INTO app.items VALUES (2, 'during')`);
    await until('a restart refused while the server is away', () => /restarting from the last committed state/.test(log) && log.split('restarting from the last committed state').length > 2);
    await proxy.open();
    await until('the change made while it was away', async () => (await rows()) === 2);

    follower.kill('SIGINT');
    const result = await follower;
    expect(result.exitCode, result.stderr).toBe(130);
  });
});
