// source-postgres following the WAL, the review's probes (real processes, PostgreSQL with wal_level = logical): a
// heartbeat acknowledged while a transaction of a captured table is still open loses nothing across SIGKILL and a
// restart; an update that leaves a TOASTed column unchanged keeps that column's numbers exact (the row is completed
// from the table in PostgreSQL, never through a JavaScript double).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import pg from 'pg';
import { jsonFile, repoRoot, tempDir } from '../support/cli.js';
import { requireService } from '../support/services.js';
import { postgresAdminUrl, postgresAvailability, useFreshDatabase } from '../support/postgres.js';
import { sourceConfig, sqlOn } from '../support/pg-connectors.js';

const postgresMissing = await postgresAvailability();
const logicalMissing =
  postgresMissing ??
  (await requireService(
    'PostgreSQL logical replication',
    async () => {
      const [row] = await sqlOn(postgresAdminUrl, 'SHOW wal_level');
      if (row?.['wal_level'] !== 'logical') throw new Error(`wal_level is ${row?.['wal_level']}`);
    },
    'run make postgres-logical (sets wal_level = logical and restarts the server)',
  ));

const connectorMain = join(repoRoot, 'dist/connectors/source-postgres/main.js');
const LSN = /^[0-9A-F]+\/[0-9A-F]+$/;
const lsnValue = (lsn: string): bigint => {
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
};

interface Follower {
  child: ChildProcessWithoutNullStreams;
  /** stdout lines, as the connector wrote them. */
  lines: string[];
  messages: Array<Record<string, any>>;
  stderr: () => string;
  exit: Promise<number | null>;
}

async function eventually(condition: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.runIf(!logicalMissing)('source-postgres following the WAL', () => {
  const url = useFreshDatabase();
  const dir = tempDir('sluice-pg-fsafe-');
  const prefix = `sluice_fsafe_${process.pid}`;
  const sql = (text: string, values?: unknown[]) => sqlOn(url(), text, values);
  const followers: Follower[] = [];

  const catalog = (tables: string[]) =>
    jsonFile(dir, `catalog-${tables.join('-')}.json`, {
      streams: tables.map((name) => ({ stream: { name, namespace: 'app', json_schema: {}, supported_sync_modes: ['incremental'] }, sync_mode: 'incremental', destination_sync_mode: 'append_dedup' })),
    });
  const config = (name: string, extra: Record<string, unknown> = {}) =>
    jsonFile(dir, `source-${name}-${Math.random()}.json`, sourceConfig(url(), 'app', { replication_method: { method: 'CDC', replication_slot: name, publication: name, ...extra } }));

  function follow(configPath: string, tables: string[], statePath?: string): Follower {
    const child = spawn(process.execPath, [connectorMain, 'read', '--config', configPath, '--catalog', catalog(tables), ...(statePath ? ['--state', statePath] : [])], {
      env: { ...process.env, SLUICE_FOLLOW: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const follower: Follower = {
      child,
      lines: [],
      messages: [],
      stderr: () => stderr,
      exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
    };
    createInterface({ input: child.stdout }).on('line', (line) => {
      follower.lines.push(line);
      follower.messages.push(JSON.parse(line) as Record<string, any>);
    });
    followers.push(follower);
    return follower;
  }

  const slotRow = async (slot: string) =>
    (await sql(`SELECT active, confirmed_flush_lsn::text AS confirmed FROM pg_replication_slots WHERE slot_name = $1`, [slot]))[0] as { active: boolean; confirmed: string } | undefined;
  /** Caught up and streaming: the catch-up's log line is out, and the replication connection holds the slot. */
  const streaming = async (follower: Follower, slot: string) => {
    await eventually(() => follower.messages.some((m) => m.type === 'LOG' && /^CDC: \d+ changes read up to/.test(m.log.message)), 'the catch-up');
    await eventually(async () => (await slotRow(slot))?.active === true, 'the replication connection');
  };
  const states = (follower: Follower) => follower.messages.filter((m) => m.type === 'STATE');
  const errors = (follower: Follower) => follower.messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR').map((m) => m.trace.error);

  beforeAll(async () => {
    await sql(`CREATE SCHEMA app;
      CREATE TABLE app.items (id int PRIMARY KEY, name text, n int);
      CREATE TABLE app.more (id int PRIMARY KEY);
      CREATE TABLE app.other (id int);
      CREATE TABLE app.docs (id int PRIMARY KEY, n int, doc jsonb);`);
  });
  afterAll(async () => {
    for (const follower of followers) if (follower.child.exitCode === null) follower.child.kill('SIGKILL');
    await Promise.all(followers.map((follower) => follower.exit));
    // A database with a replication slot cannot be dropped; a slot is released a moment after its process ends.
    await eventually(
      async () => (await sql(`SELECT count(*)::int AS n FROM pg_replication_slots WHERE slot_name LIKE '${prefix}%' AND active`))[0]!['n'] === 0,
      'the slots released',
    );
    await sql(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name LIKE '${prefix}%'`);
  });

  it('a heartbeat acknowledged while a transaction of a captured table is open: after SIGKILL and a restart the transaction arrives', async () => {
    const slot = `${prefix}_open`;
    const configPath = config(slot);
    const follower = follow(configPath, ['items']);
    await streaming(follower, slot);
    const opener = new pg.Client({ connectionString: url() });
    await opener.connect();
    try {
      await opener.query('BEGIN');
      await opener.query(`INSERT INTO app.items VALUES (500, 'open', 1)`);
      const [{ lsn: openedAt }] = await sql(`SELECT pg_current_wal_insert_lsn()::text AS lsn`) as Array<{ lsn: string }>;
      // WAL elsewhere moves the heartbeat past the open transaction's first change; every state is written back.
      let fed = 0;
      await eventually(async () => {
        await sql(`INSERT INTO app.other VALUES (1)`);
        const lines = follower.lines.filter((line) => line.startsWith('{"type":"STATE"'));
        for (; fed < lines.length; fed++) follower.child.stdin.write(`${lines[fed]}\n`);
        const row = await slotRow(slot);
        return row !== undefined && lsnValue(row.confirmed) > lsnValue(openedAt);
      }, 'the slot acknowledged past the open transaction');
      const lastState = follower.lines.filter((line) => line.startsWith('{"type":"STATE"')).at(-1)!;
      follower.child.kill('SIGKILL');
      await follower.exit;
      await eventually(async () => (await slotRow(slot))!.active === false, 'the slot released');
      await opener.query('COMMIT');
      const statePath = jsonFile(dir, 'open-state.json', `[${JSON.stringify(JSON.parse(lastState).state)}]`);
      const restart = follow(configPath, ['items'], statePath);
      await eventually(() => restart.messages.some((m) => m.type === 'RECORD' && m.record.data.id === 500), 'the open transaction after the restart');
      restart.child.stdin.end();
      expect(await restart.exit).toBe(0);
    } finally {
      await opener.end();
    }
  });
  it('an update that leaves a TOASTed jsonb unchanged keeps its numbers exact', async () => {
    const slot = `${prefix}_toast`;
    const follower = follow(config(slot), ['docs']);
    await streaming(follower, slot);
    // Big enough (and random enough not to compress) to be stored out of line: the update does not carry it.
    await sql(`INSERT INTO app.docs SELECT 1, 0, jsonb_build_object('big', 12345678901234567891, 'price', 1.10, 'pad', (SELECT string_agg(md5(i::text), '') FROM generate_series(1, 200) AS i))`);
    await sql(`UPDATE app.docs SET n = 1 WHERE id = 1`);
    const records = () => follower.lines.filter((line) => line.startsWith('{"type":"RECORD"'));
    await eventually(() => records().length === 2, 'the insert and the update');
    // The insert carries the whole row, rendered by PostgreSQL; the update must say the same of the jsonb.
    expect(records()[0]!).toContain('"big": 12345678901234567891');
    const update = records()[1]!;
    expect(update).toContain('"n":1');
    expect(update).toContain('"big": 12345678901234567891');
    expect(update).toContain('"price": 1.10');
    follower.child.stdin.end();
    expect(await follower.exit).toBe(0);
  });
});
