// Owns `sluice state show|reset`: look at a sync's state, or forget one stream's state (or all of it) so that
// the next sync reads that stream from the start. The state is a file (--state FILE) or a stored connection's
// (`sluice state show <connection>`); resetting a connection's state asks first unless --yes.
// A connection's state goes through control/services/connection-state-service.ts, which owns the rules (no reset
// while a job runs); a state file is read and written here, with the runtime's state-file back-end.
import { Command } from 'commander';
import { loadStateFile } from '../../runtime/sync/commit/state-file.js';
import { streamToReset } from '../../runtime/sync/stream-to-reset.js';
import { SluiceError } from '../../runtime/errors.js';
import { openConnectionState, resetConnectionState } from '../../control/services/connection-state-service.js';
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
      checkWhere(connection, options);
      if (connection === undefined) printJson((await loadStateFile(options.state)).forSource ?? []);
      else await withStore(options, async (store) => printJson((await openConnectionState(store, connection)).forSource ?? []));
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
      checkWhere(connection, options);
      if (connection === undefined) await resetStateFile(options.state!, options.stream);
      else {
        await withStore(options, (store) => resetConnectionState(store, connection, options.stream, {
          beforeReset: () => confirm(`reset the state of ${options.stream ? `stream ${options.stream}` : 'all streams'} of connection ${connection}? The next sync reads ${options.stream ? 'it' : 'them'} from the start.`, options.yes),
        }));
      }
      printLines([options.stream ? `reset stream ${options.stream}` : 'reset all streams']);
    });
  return state;
}

/** A connection or --state FILE, exactly one of them. */
function checkWhere(connection: string | undefined, options: StateOptions): void {
  if (connection !== undefined && options.state !== undefined) throw new SluiceError('cli.usage', 'name a connection or give --state FILE, not both');
  if (connection === undefined && options.state === undefined) throw new SluiceError('cli.usage', 'name a connection or give --state FILE');
}

async function resetStateFile(path: string, stream: string | undefined): Promise<void> {
  const file = await loadStateFile(path);
  const changed = await file.reset(stream === undefined ? undefined : streamToReset(stream, file.state));
  if (!changed) throw new SluiceError('state.invalid', `state file ${path} holds no state for stream ${stream}`);
}
