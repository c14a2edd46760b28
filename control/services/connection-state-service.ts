// Owns a stored connection's state as the CLI (`sluice state show|reset <connection>`) and the API
// (`/connections/{name}/state`, `…/state/reset`) see it. The rule: no reset while a job of the connection runs
// (the job would save its state over the reset). A stream is named `name` or `namespace.name`
// (runtime/sync/stream-to-reset.ts); resetting a stream the state does not hold is an error. A state file
// (`--state FILE`) is the CLI's and the runtime's, not this module's.
import { SluiceError } from '../../runtime/errors.js';
import type { StateStore } from '../../runtime/sync/commit/state-store.js';
import { streamToReset } from '../../runtime/sync/stream-to-reset.js';
import { loadConnectionState } from '../store/connection-state-store.js';
import type { Store } from '../store/open-store.js';
import type { Connection } from '../store/records.js';
import { findConnection } from './connection-service.js';

/** The state messages as stored ([] when there are none yet). */
export async function storedConnectionState(store: Store, nameOrId: string): Promise<{ connection: Connection; state: unknown[] }> {
  const connection = await findConnection(store, nameOrId);
  return { connection, state: (await store.state.load(connection.id)) ?? [] };
}

/** The connection's state as a sync would start from it (`forSource` is what the source would be handed). */
export async function openConnectionState(store: Store, nameOrId: string): Promise<StateStore> {
  return loadConnectionState(store.state, await findConnection(store, nameOrId));
}

export interface ResetOptions {
  /** Called once the reset is allowed and before anything changes (the CLI asks for confirmation here). */
  beforeReset?: (connection: Connection) => Promise<void>;
}

/** Forgets the state of one stream (`name` or `namespace.name`), or of all streams when none is named. */
export async function resetConnectionState(store: Store, nameOrId: string, stream?: string, options: ResetOptions = {}): Promise<{ connection: Connection }> {
  const connection = await findConnection(store, nameOrId);
  const running = await store.jobs.running(connection.id);
  if (running) throw new SluiceError('job.already_running', `connection ${connection.name} has a running job (job ${running.id}); reset its state once it ends`);
  const state = await loadConnectionState(store.state, connection);
  await options.beforeReset?.(connection);
  const changed = await state.reset(stream === undefined ? undefined : streamToReset(stream, state.state));
  if (!changed) throw new SluiceError('state.invalid', `connection ${connection.name} holds no state for stream ${stream}`);
  return { connection };
}
