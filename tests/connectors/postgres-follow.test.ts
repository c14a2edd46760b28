// source-postgres following the WAL (SLUICE_FOLLOW=1, FOLLOW-CONTRACT.md), run as the built connector with a stdin
// pipe against a real PostgreSQL with wal_level = logical: changes arrive while the process keeps running, states
// only at transaction boundaries and as heartbeats when idle, each with sourceProgress; the slot is acknowledged only
// up to a state written back on stdin; stdin's end or SIGTERM ends it cleanly; a dropped slot, a slot in use and a
// publication that lost a table each end it with one clear error. And the review's probes: a heartbeat acknowledged
// while a transaction of a captured table is still open loses nothing across SIGKILL and a restart; an update that
// leaves a TOASTed column unchanged keeps that column's numbers exact (completed in PostgreSQL, never through a double).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import pg from 'pg';
import { jsonFile, repoRoot, tempDir } from '../support/cli.js';
import { useFreshDatabase } from '../support/postgres.js';
import { sourceConfig, logicalReplicationAvailability, sqlOn } from '../support/pg-connectors.js';

const logicalMissing = await logicalReplicationAvailability();

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
  const dir = tempDir('sluice-pg-follow-');
  const prefix = `sluice_follow_${process.pid}`;
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

  it('streams inserts, updates, deletes and a multi-statement transaction as they commit; acknowledges only what is written back; ends at stdin EOF', async () => {
    const slot = `${prefix}_main`;
    const follower = follow(config(slot), ['items']);
    await streaming(follower, slot);
    // The read started at its first state's LSN (committed by definition); later catch-up states are not committed.
    const initial = states(follower)[0]!.state.global.shared_state.lsn as string;
    expect((await slotRow(slot))!.confirmed).toBe(initial);

    await sql(`INSERT INTO app.items VALUES (1, 'one', 1)`);
    await sql(`UPDATE app.items SET n = 2 WHERE id = 1`);
    await sql(`DELETE FROM app.items WHERE id = 1`);
    await sql(`BEGIN;
      INSERT INTO app.items VALUES (10, 'ten', 10), (11, 'eleven', 11);
      UPDATE app.items SET name = 'ten again' WHERE id = 10;
      DELETE FROM app.items WHERE id = 11;
      COMMIT;`);
    const records = () => follower.messages.filter((m) => m.type === 'RECORD').map((m) => m.record);
    await eventually(() => records().length === 7 && follower.messages.at(-1)!.type === 'STATE', 'the changes and their state');
    expect(follower.child.exitCode).toBe(null);
    expect(records().map((r) => [r.data.id, r.data.name, r.data.n, r.data._ab_cdc_deleted_at !== null])).toEqual([
      [1, 'one', 1, false],
      [1, 'one', 2, false],
      [1, null, null, true],
      [10, 'ten', 10, false],
      [11, 'eleven', 11, false],
      [10, 'ten again', 10, false],
      [11, null, null, true],
    ]);

    // The transaction's records, then its state: nothing in between, and the state is at its commit.
    const first = follower.messages.findIndex((m) => m.type === 'RECORD' && m.record.data.id === 10);
    const txn = follower.messages.slice(first, first + 4);
    expect(txn.map((m) => m.type)).toEqual(['RECORD', 'RECORD', 'RECORD', 'RECORD']);
    const txnStateIndex = follower.messages.findIndex((m, i) => i > first && m.type === 'STATE');
    expect(follower.messages.slice(first + 4, txnStateIndex).filter((m) => m.type === 'RECORD')).toEqual([]);
    const txnState = follower.messages[txnStateIndex]!;
    const commitTime = txn[0]!.record.data._ab_cdc_updated_at;
    expect(txn.map((m) => m.record.data._ab_cdc_updated_at)).toEqual([commitTime, commitTime, commitTime, commitTime]);
    expect(txnState.state.sourceProgress).toEqual({ position: txnState.state.global.shared_state.lsn, sourceTime: commitTime });
    expect(lsnValue(txnState.state.global.shared_state.lsn)).toBeGreaterThan(BigInt(txn[3]!.record.data._ab_cdc_lsn));

    // Idle: WAL written elsewhere (a table not captured) moves the heartbeat state on, without records.
    const lastData = states(follower).at(-1)!;
    await sql(`INSERT INTO app.other VALUES (1)`);
    await eventually(
      () => states(follower).some((m) => lsnValue(m.state.global.shared_state.lsn) > lsnValue(lastData.state.global.shared_state.lsn)),
      'a heartbeat state',
    );
    const heartbeat = states(follower).find((m) => lsnValue(m.state.global.shared_state.lsn) > lsnValue(lastData.state.global.shared_state.lsn))!;
    expect(heartbeat.state.sourceStats).toEqual({ recordCount: 0 });
    expect(records()).toHaveLength(7);

    // Every state carries sourceProgress, its position the state's LSN; positions never go back.
    const all = states(follower);
    for (const message of all) {
      expect(message.state.sourceProgress.position).toBe(message.state.global.shared_state.lsn);
      expect(message.state.sourceProgress.sourceTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    const positions = all.map((m) => lsnValue(m.state.global.shared_state.lsn));
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));

    // Nothing written back yet: the slot is where the read started. Then the transaction's state, as emitted.
    expect((await slotRow(slot))!.confirmed).toBe(initial);
    follower.child.stdin.write(`${follower.lines[txnStateIndex]}\n`);
    const acked = txnState.state.global.shared_state.lsn as string;
    await eventually(async () => (await slotRow(slot))!.confirmed === acked, 'the acknowledgement');

    follower.child.stdin.end();
    expect(await follower.exit).toBe(0);
    expect(errors(follower)).toEqual([]);
    await eventually(async () => (await slotRow(slot))!.active === false, 'the slot released');
    expect((await slotRow(slot))!.confirmed).toBe(acked);
  });

  it('SIGTERM ends a following read cleanly', async () => {
    const slot = `${prefix}_term`;
    const follower = follow(config(slot), ['items']);
    await streaming(follower, slot);
    follower.child.kill('SIGTERM');
    expect(await follower.exit).toBe(0);
    expect(errors(follower)).toEqual([]);
    await eventually(async () => (await slotRow(slot))!.active === false, 'the slot released');
  });

  it('a slot dropped while following is one clear error, and so is a restart from its state', async () => {
    const slot = `${prefix}_dropped`;
    const configPath = config(slot, { create_missing: false });
    await sql(`CREATE PUBLICATION ${slot} FOR TABLE app.items`);
    await sql(`SELECT pg_create_logical_replication_slot('${slot}', 'pgoutput')`);
    const follower = follow(configPath, ['items']);
    await streaming(follower, slot);
    const lastState = follower.lines.filter((line) => line.startsWith('{"type":"STATE"')).at(-1)!;

    await sql(`SELECT pg_terminate_backend(active_pid, 10000) FROM pg_replication_slots WHERE slot_name = '${slot}'`);
    await eventually(() => sql(`SELECT pg_drop_replication_slot('${slot}')`).then(() => true, () => false), 'the slot dropped');
    expect(await follower.exit).not.toBe(0);
    const [error, ...more] = errors(follower);
    expect(more).toEqual([]);
    // Dropped (seen on the normal connection) or the connection lost (the drop came a moment later): both name the slot.
    expect(error.message).toMatch(new RegExp(`^replication slot ${slot}[: ]`));

    const statePath = jsonFile(dir, 'dropped-state.json', `[${JSON.stringify(JSON.parse(lastState).state)}]`);
    const restart = follow(configPath, ['items'], statePath);
    expect(await restart.exit).not.toBe(0);
    expect(errors(restart)).toEqual([
      expect.objectContaining({
        failure_type: 'config_error',
        message: `replication slot ${slot} does not exist: create it with SELECT pg_create_logical_replication_slot('${slot}', 'pgoutput'), or set create_missing`,
      }),
    ]);
  });

  it('a slot another process is reading is one transient error naming the slot', async () => {
    const slot = `${prefix}_busy`;
    await sql(`CREATE PUBLICATION ${slot} FOR TABLE app.items`);
    await sql(`SELECT pg_create_logical_replication_slot('${slot}', 'pgoutput')`);
    const holder = new pg.Client({ connectionString: url(), replication: 'database' } as pg.ClientConfig);
    holder.on('error', () => undefined);
    await holder.connect();
    const streamed = holder.query(`START_REPLICATION SLOT ${slot} LOGICAL 0/0 (proto_version '1', publication_names '${slot}')`).catch(() => undefined);
    try {
      await eventually(async () => (await slotRow(slot))?.active === true, 'the other reader');
      const follower = follow(config(slot), ['items']);
      expect(await follower.exit).not.toBe(0);
      const [error, ...more] = errors(follower);
      expect(more).toEqual([]);
      expect(error.failure_type).toBe('transient_error');
      expect(error.message).toMatch(new RegExp(`^replication slot ${slot} is in use by another process \\(replication slot "${slot}" is active for PID \\d+\\); it can be read again once that process stops$`));
    } finally {
      await holder.end();
      await streamed;
    }
  });

  it('a publication that loses a captured table while following is one clear error', async () => {
    const slot = `${prefix}_pub`;
    const follower = follow(config(slot), ['items', 'more']);
    await streaming(follower, slot);
    await sql(`ALTER PUBLICATION ${slot} DROP TABLE app.more`);
    expect(await follower.exit).not.toBe(0);
    expect(errors(follower)).toEqual([
      expect.objectContaining({
        failure_type: 'config_error',
        message: `publication ${slot} no longer includes "app"."more" (removed while following), so its changes are not captured: run ALTER PUBLICATION "${slot}" ADD TABLE "app"."more", then reset this connection's state to take a new snapshot`,
      }),
    ]);
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
