// Owns remembering which states an overwrite load has committed, so that a rerun can tell a source resuming that
// load (its stream's first message is a state this table already committed) from a source starting a new one.
// Each commit records the state's hash in the same transaction as the records it covers.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { AirbyteStateMessage } from '../../protocol/types.generated.js';
import { qualifiedName, quoteIdent } from '../kit/postgres/connection.js';
import { exactNumberText } from './exact-message.js';

export class LoadStates {
  readonly #table: string;

  constructor(
    private readonly client: pg.Client,
    private readonly schema: string,
  ) {
    this.#table = qualifiedName(schema, 'sluice_load_states');
  }

  async prepare(): Promise<void> {
    for (const sql of [
      `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.schema)}`,
      `CREATE TABLE IF NOT EXISTS ${this.#table} (target text NOT NULL, state_hash text NOT NULL, committed_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (target, state_hash))`,
    ]) {
      // Two destinations preparing at once: the loser of the race sees a unique violation; the object exists.
      await this.client.query(sql).catch((error: { code?: string }) => {
        if (error.code !== '23505' && error.code !== '42P07') throw error;
      });
    }
  }

  async has(target: string, hash: string): Promise<boolean> {
    const { rowCount } = await this.client.query(`SELECT 1 FROM ${this.#table} WHERE target = $1 AND state_hash = $2`, [target, hash]);
    return (rowCount ?? 0) > 0;
  }

  async forget(target: string): Promise<void> {
    await this.client.query(`DELETE FROM ${this.#table} WHERE target = $1`, [target]);
  }

  async record(targets: string[], hash: string): Promise<void> {
    if (targets.length === 0) return;
    await this.client.query(
      `INSERT INTO ${this.#table} (target, state_hash) SELECT t, $2 FROM unnest($1::text[]) AS t ON CONFLICT DO NOTHING`,
      [targets, hash],
    );
  }
}

/** A hash of what a state says (not its stats), numbers by their exact text: the same position hashes the same on every run. */
export function stateHash(state: AirbyteStateMessage): string {
  const content = state.type === 'STREAM' ? state.stream : state.type === 'GLOBAL' ? state.global : state.data;
  return createHash('sha256').update(canonical(content)).digest('hex');
}

function canonical(value: unknown): string {
  const exact = exactNumberText(value);
  if (exact !== undefined) return exact;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
