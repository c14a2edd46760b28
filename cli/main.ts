#!/usr/bin/env -S node --max-semi-space-size=1
// The shebang's small young generation: the relay allocates a buffer per chunk read from a pipe, and collecting
// them promptly keeps the runtime's resident memory flat (~70 MB instead of ~110 MB over a 1M-record sync) at no
// cost in speed, measured with `make bench`.
// Owns the sluice executable: wires the commands, runs the one the user named, and turns any failure into one
// line on stderr and an exit code (the only place that decides how Sluice exits).
import { Command, CommanderError } from 'commander';
import { addGlobalOptions } from './context.js';
import { printError } from './output.js';
import { exitCodeFor, ExitCode, SluiceError } from '../runtime/errors.js';
import { specCommand } from './commands/spec.js';
import { checkCommand } from './commands/check.js';
import { discoverCommand } from './commands/discover.js';
import { readCommand } from './commands/read.js';
import { writeCommand } from './commands/write.js';
import { connectorsCommand } from './commands/connectors.js';
import { syncCommand } from './commands/sync.js';
import { stateCommand } from './commands/state.js';
import { sourceCommand } from './commands/source.js';
import { destinationCommand } from './commands/destination.js';
import { connectionCommand } from './commands/connection.js';
import { jobsCommand } from './commands/jobs.js';
import { logsCommand } from './commands/logs.js';
import { serveCommand } from './commands/serve.js';
import { tokenCommand } from './commands/token.js';
import { webhookCommand } from './commands/webhook.js';
import { applyCommand, exportCommand } from './commands/apply.js';
import { testConnectorCommand } from './commands/test-connector.js';

export function buildProgram(): Command {
  const program = new Command('sluice')
    .description('Move data from any Airbyte-protocol source to any destination.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');
  addGlobalOptions(program);
  for (const command of [
    specCommand(),
    checkCommand(),
    discoverCommand(),
    readCommand(),
    writeCommand(),
    syncCommand(),
    stateCommand(),
    connectorsCommand(),
    sourceCommand(),
    destinationCommand(),
    connectionCommand(),
    jobsCommand(),
    logsCommand(),
    serveCommand(),
    tokenCommand(),
    webhookCommand(),
    applyCommand(),
    exportCommand(),
    testConnectorCommand(),
  ]) {
    program.addCommand(command);
  }
  // Commander's own errors (unknown option, missing argument) go through the same exit classifier.
  program.exitOverride();
  const override = (command: Command): void => {
    command.exitOverride();
    command.commands.forEach(override);
  };
  program.commands.forEach(override);
  return program;
}

async function main(argv: string[]): Promise<void> {
  // A reader that goes away (`sluice read … | head`) must not crash Sluice with EPIPE.
  process.stdout.on('error', () => undefined);
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed its message (or the help text).
      process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
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
