#!/usr/bin/env -S node --max-semi-space-size=1
// The shebang's small young generation: the relay allocates a buffer per chunk read from a pipe, and collecting
// them promptly keeps the runtime's resident memory flat (~70 MB instead of ~110 MB over a 1M-record sync) at no
// cost in speed, measured with `make bench`.
// Owns the sluice executable: wires the commands, runs the one the user named, and turns any failure into one
// line on stderr and an exit code (the only place that decides how Sluice exits).
import { Command, CommanderError } from 'commander';
import { addGlobalOptions } from './global-options.js';
import { printError } from './output.js';
import { exitCodeFor, ExitCode, SluiceError } from '../runtime/errors.js';
import { sweepStaleWorkDirs } from '../runtime/launchers/work-dirs.js';

// Each command's module is loaded only when that command runs (or for the full help): loading every module of the
// control plane to run `sluice read` would add half a second to every start.
type CommandLoader = () => Promise<Command[]>;
const commands: Record<string, CommandLoader> = {
  spec: async () => [(await import('./commands/spec.js')).specCommand()],
  check: async () => [(await import('./commands/check.js')).checkCommand()],
  discover: async () => [(await import('./commands/discover.js')).discoverCommand()],
  read: async () => [(await import('./commands/read.js')).readCommand()],
  write: async () => [(await import('./commands/write.js')).writeCommand()],
  sync: async () => [(await import('./commands/sync.js')).syncCommand()],
  state: async () => [(await import('./commands/state.js')).stateCommand()],
  connectors: async () => [(await import('./commands/connectors.js')).connectorsCommand()],
  'test-connector': async () => [(await import('./commands/test-connector.js')).testConnectorCommand()],
  source: async () => [(await import('./commands/source.js')).sourceCommand()],
  destination: async () => [(await import('./commands/destination.js')).destinationCommand()],
  connection: async () => [(await import('./commands/connection.js')).connectionCommand()],
  jobs: async () => [(await import('./commands/jobs.js')).jobsCommand()],
  logs: async () => [(await import('./commands/logs.js')).logsCommand()],
  serve: async () => [(await import('./commands/serve.js')).serveCommand()],
  worker: async () => [(await import('./commands/worker.js')).workerCommand()],
  workers: async () => [(await import('./commands/workers.js')).workersCommand()],
  token: async () => [(await import('./commands/token.js')).tokenCommand()],
  webhook: async () => [(await import('./commands/webhook.js')).webhookCommand()],
  apply: async () => [(await import('./commands/apply.js')).applyCommand()],
  export: async () => [(await import('./commands/apply.js')).exportCommand()],
  decrypt: async () => [(await import('./commands/decrypt.js')).decryptCommand()],
};

/** The program with the command `argv` names, or with every command when it names none (help, a typo). */
export async function buildProgram(argv: string[] = []): Promise<Command> {
  const program = new Command('sluice')
    .description('Move data from any Airbyte-protocol source to any destination.')
    .version('0.1.0');
  addGlobalOptions(program);
  const named = argv.slice(2).find((word) => Object.hasOwn(commands, word));
  const loaders = named ? [commands[named]!] : Object.values(commands);
  for (const load of loaders) for (const command of await load()) program.addCommand(command);
  // Commander's own errors (unknown option, missing argument, bad choice) are thrown, not printed: main turns them
  // into the same one error line and exit code as every other failure.
  const override = (command: Command): void => {
    command.exitOverride().configureOutput({ outputError: () => undefined }).showHelpAfterError(false);
    command.commands.forEach(override);
  };
  override(program);
  return program;
}

/** Commander's exits that are help or version output, not errors. */
const helpCodes = new Set(['commander.help', 'commander.helpDisplayed', 'commander.version']);

/** A commander parse error (`error: unknown option '--x'`) as Sluice's usage error. */
function usageError(error: CommanderError): SluiceError {
  return new SluiceError('cli.usage', error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' '), { cause: error, hint: 'run with --help for usage' });
}

async function main(argv: string[]): Promise<void> {
  // A reader that goes away (`sluice read … | head`) must not crash Sluice with EPIPE.
  process.stdout.on('error', () => undefined);
  // Connector files a killed Sluice left in the temp directory (configs, secrets included) go first.
  await sweepStaleWorkDirs().catch(() => undefined);
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError && helpCodes.has(error.code)) {
      // Commander already printed the help text or the version (to stderr with exit 2 when no command was named).
      process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
      return;
    }
    if (error instanceof CommanderError) {
      printError(usageError(error), false);
      process.exitCode = ExitCode.badInput;
      return;
    }
    const debugging = program.opts<{ logLevel?: string }>().logLevel === 'debug' || program.opts<{ logLevel?: string }>().logLevel === 'trace';
    printError(error, debugging);
    process.exitCode = exitCodeFor(error);
  }
}

await main(process.argv).catch((error: unknown) => {
  printError(new SluiceError('internal.unexpected', String(error), { cause: error }), true);
  process.exitCode = ExitCode.runtime;
});
// Connectors left running (e.g. on a failure path) must not keep Sluice alive; what stdout still holds is
// flushed first.
process.stdout.write('', () => process.exit());
