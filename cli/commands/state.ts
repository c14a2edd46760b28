// Owns `sluice state show|reset`: look at a sync's state, or forget one stream's state (or all of it) so that
// the next sync reads that stream from the start. The state is a file (--state FILE) or a stored connection's
// (`sluice state show <connection>`); resetting a connection's state asks first unless --yes.
import { Command } from 'commander';
import { loadStateFile } from '../../runtime/sync/commit/state-file.js';
import type { StateStore } from '../../runtime/sync/commit/state-store.js';
import { SluiceError } from '../../runtime/errors.js';
import { findConnection } from '../../control/services/connection-service.js';
import { loadConnectionState } from '../../control/store/connection-state-store.js';
import { printJson, printLines } from '../output.js';
import { confirm, withStore } from '../store-context.js';

interface StateOptions {
  state?: string;
  stream?: string;
  workspace?: string;
  yes?: boolean;
}

export function stateCommand(): Command {
  const state = new Command('state').description("inspect or reset a sync's state (a state file, or a connection's)");
  state
    .command('show')
    .description('print the state in its stored form')
    .argument('[connection]', 'a connection kept in the workspace (instead of --state FILE)')
    .option('--state <file>', 'state file')
    .option('--workspace <dir>', 'workspace of the connection (default: $SLUICE_HOME, else .sluice)')
    .action(async (connection: string | undefined, options: StateOptions) => {
      await withState(connection, options, async (store) => printJson(store.forSource ?? []));
    });
  state
    .command('reset')
    .description('forget the state of one stream, or of all streams')
    .argument('[connection]', 'a connection kept in the workspace (instead of --state FILE)')
    .option('--state <file>', 'state file')
    .option('--workspace <dir>', 'workspace of the connection (default: $SLUICE_HOME, else .sluice)')
    .option('--stream <name>', 'the stream to reset (namespace.name for a namespaced stream); default: all')
    .option('--yes', "reset a connection's state without asking")
    .action(async (connection: string | undefined, options: StateOptions) => {
      await withState(connection, options, async (store) => {
        if (connection !== undefined) {
          await confirm(`reset the state of ${options.stream ? `stream ${options.stream}` : 'all streams'} of connection ${connection}? The next sync reads ${options.stream ? 'it' : 'them'} from the start.`, options.yes);
        }
        const descriptor = options.stream === undefined ? undefined : parseStream(options.stream, store);
        const changed = await store.reset(descriptor);
        if (!changed) throw new SluiceError('state.invalid', `${where(connection, options)} holds no state for stream ${options.stream}`);
        printLines([options.stream ? `reset stream ${options.stream}` : 'reset all streams']);
      }, true);
    });
  return state;
}

async function withState(connection: string | undefined, options: StateOptions, work: (store: StateStore) => Promise<void>, resetting = false): Promise<void> {
  if (connection !== undefined && options.state !== undefined) throw new SluiceError('cli.usage', 'name a connection or give --state FILE, not both');
  if (connection === undefined) {
    if (options.state === undefined) throw new SluiceError('cli.usage', 'name a connection or give --state FILE');
    await work(await loadStateFile(options.state));
    return;
  }
  await withStore(options, async (store) => {
    const found = await findConnection(store, connection);
    const running = resetting ? await store.jobs.running(found.id) : undefined;
    if (running) throw new SluiceError('job.already_running', `connection ${found.name} has a running job (job ${running.id}); reset its state once it ends`);
    await work(await loadConnectionState(store.state, found));
  });
}

function where(connection: string | undefined, options: StateOptions): string {
  return connection === undefined ? `state file ${options.state}` : `connection ${connection}`;
}

/** Reads `name` or `namespace.name`, preferring a stream the state knows under the exact name. */
function parseStream(text: string, store: StateStore): { name: string; namespace?: string } {
  const known = [...store.state.streams.values()].map((message) => message.stream!.stream_descriptor);
  const exact = known.find((descriptor) => descriptor.name === text && !descriptor.namespace);
  if (exact) return { name: text };
  const dot = text.indexOf('.');
  if (dot > 0) return { namespace: text.slice(0, dot), name: text.slice(dot + 1) };
  return { name: text };
}
