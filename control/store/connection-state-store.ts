// Owns a connection's state as a sync sees it: loaded from the store at the start of an attempt and saved
// back (whole, in one transaction) after each commit, with commits that arrive during a save folded into the
// next one. The merge and reset rules are StateFile's, shared through StateFile.persistedWith.
import { StateFile } from '../../runtime/sync/state-file.js';
import type { StateStore } from '../../runtime/sync/state-store.js';
import type { StateRepo } from './state-repo.js';

export async function loadConnectionState(repo: StateRepo, connection: { id: string; name: string }): Promise<StateStore> {
  const stored = await repo.load(connection.id);
  return StateFile.persistedWith(stored, `connection ${connection.name}`, (messages) => repo.save(connection.id, messages as unknown[]));
}
