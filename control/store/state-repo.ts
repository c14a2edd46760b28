// Owns the connection_state table: a connection's state in its stored form, one row per state message (one per
// stream for STREAM states, a single row for GLOBAL and LEGACY), replaced whole in one transaction at each save
// so a reader never sees half of a commit. Messages are kept as JSON text (TEXT in both databases, never jsonb)
// with every digit of their numbers (protocol/exact-json.ts).
import { SluiceError } from '../../runtime/errors.js';
import type { Driver } from './driver.js';
import { parseExactJson, stringifyExactJson } from '../../protocol/exact-json.js';

export class StateRepo {
  constructor(private readonly db: Driver) {}

  /** The stored form (an array of state messages), or undefined when the connection has none. */
  async load(connectionId: string): Promise<unknown[] | undefined> {
    const rows = await this.db.all<{ message: string; stream: string }>('SELECT message, stream FROM connection_state WHERE connection_id = ? ORDER BY position', [connectionId]);
    if (rows.length === 0) return undefined;
    return rows.map((row) => {
      const message = parseExactJson(row.message);
      // Before 2026-12-01 a LEGACY state was stored as its bare blob, which could not be read back.
      const typed = (message as { type?: unknown } | null)?.type === 'LEGACY';
      return row.stream === '(legacy)' && !typed ? { type: 'LEGACY', data: message } : message;
    });
  }

  /** Replaces the state with `messages`, its message form (protocol/state.ts messageForm). */
  /**
   * `whileJobRunning`: saved only while that job is still running, in the same transaction: a runner that lost its job
   * (marked orphaned while it was stalled, and taken over by another worker) must not overwrite the new runner's state.
   */
  async save(connectionId: string, messages: unknown[], whileJobRunning?: number): Promise<void> {
    const now = Date.now();
    await this.db.transaction(async (tx) => {
      if (whileJobRunning !== undefined) {
        const lock = this.db.dialect === 'postgres' ? ' FOR UPDATE' : '';
        const job = await tx.one(`SELECT id FROM jobs WHERE id = ? AND status = 'running'${lock}`, [whileJobRunning]);
        if (!job) throw new SluiceError('job.orphaned', `job ${whileJobRunning} no longer runs connection ${connectionId} (it was ended elsewhere, e.g. taken over by another worker): its state is not saved`);
      }
      await tx.run('DELETE FROM connection_state WHERE connection_id = ?', [connectionId]);
      let position = 0;
      for (const message of messages) {
        await tx.run('INSERT INTO connection_state (connection_id, position, stream, message, updated_at) VALUES (?, ?, ?, ?, ?)', [
          connectionId, position++, streamOf(message), stringifyExactJson(message), now,
        ]);
      }
    });
  }
}

function streamOf(message: unknown): string {
  const descriptor = (message as { stream?: { stream_descriptor?: { name?: string; namespace?: string } } })?.stream?.stream_descriptor;
  if (descriptor?.name) return descriptor.namespace ? `${descriptor.namespace}.${descriptor.name}` : descriptor.name;
  const type = (message as { type?: string })?.type;
  return type === 'GLOBAL' ? '(global)' : '(legacy)';
}
