// Owns a connection's state in the store, the commit path's database back-end: loaded at the start of an attempt,
// and saved back whole (its message form: one row per state message, replaced in one transaction) after each
// commit. The merge, reset and write-coalescing rules are the runtime's (runtime/sync/commit/).
import { messageForm } from '../../protocol/state.js';
import { MergedState } from '../../runtime/sync/commit/merged-state.js';
import { StateStore, type StatePersistence } from '../../runtime/sync/commit/state-store.js';
import type { StateRepo } from './state-repo.js';

/** A connection's stored state as a persistence back-end. */
export function connectionStatePersistence(repo: StateRepo, connection: { id: string; name: string }, jobId?: number): StatePersistence {
  return {
    location: `connection ${connection.name}`,
    label: `connection ${connection.name}`,
    write: (state) => repo.save(connection.id, messageForm(state), jobId),
  };
}

/** `jobId`: the job that commits it; its saves stop once that job no longer runs (state-repo.ts). */
export async function loadConnectionState(repo: StateRepo, connection: { id: string; name: string }, jobId?: number): Promise<StateStore> {
  const persistence = connectionStatePersistence(repo, connection, jobId);
  return new StateStore(MergedState.parse(await repo.load(connection.id), persistence.label), persistence);
}
