// Owns `sluice state show|reset --state F [--stream S]`: look at a sync's state file, or forget one stream's
// state (or all of it) so that the next sync reads that stream from the start.
import { Command } from 'commander';
import { StateFile } from '../../runtime/sync/state-file.js';
import { SluiceError } from '../../runtime/errors.js';
import { printJson, printLines } from '../output.js';

export function stateCommand(): Command {
  const state = new Command('state').description("inspect or reset a sync's state file");
  state
    .command('show')
    .description('print the state file in its stored form')
    .requiredOption('--state <file>', 'state file')
    .action(async (options: { state: string }) => {
      const file = await StateFile.load(options.state);
      printJson(file.forSource ?? []);
    });
  state
    .command('reset')
    .description('forget the state of one stream, or of all streams')
    .requiredOption('--state <file>', 'state file')
    .option('--stream <name>', 'the stream to reset (namespace.name for a namespaced stream); default: all')
    .action(async (options: { state: string; stream?: string }) => {
      const file = await StateFile.load(options.state);
      const descriptor = options.stream === undefined ? undefined : parseStream(options.stream, file);
      const changed = await file.reset(descriptor);
      if (!changed) throw new SluiceError('state.invalid', `state file ${options.state} holds no state for stream ${options.stream}`);
      printLines([options.stream ? `reset stream ${options.stream}` : 'reset all streams']);
    });
  return state;
}

/** Reads `name` or `namespace.name`, preferring a stream the file knows under the exact name. */
function parseStream(text: string, file: StateFile): { name: string; namespace?: string } {
  const known = [...file.state.streams.values()].map((message) => message.stream!.stream_descriptor);
  const exact = known.find((descriptor) => descriptor.name === text && !descriptor.namespace);
  if (exact) return { name: text };
  const dot = text.indexOf('.');
  if (dot > 0) return { namespace: text.slice(0, dot), name: text.slice(dot + 1) };
  return { name: text };
}
