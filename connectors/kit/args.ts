// Owns a connector's command line: `spec`, `check --config F`, `discover --config F`,
// `read --config F --catalog F [--state F]`, `write --config F --catalog F`.
import { parseArgs } from 'node:util';

export type ConnectorCommand = 'spec' | 'check' | 'discover' | 'read' | 'write';

export interface ConnectorArgs {
  command: ConnectorCommand;
  config?: string;
  catalog?: string;
  state?: string;
}

const COMMANDS: readonly ConnectorCommand[] = ['spec', 'check', 'discover', 'read', 'write'];
const NEEDS: Record<ConnectorCommand, Array<'config' | 'catalog'>> = {
  spec: [],
  check: ['config'],
  discover: ['config'],
  read: ['config', 'catalog'],
  write: ['config', 'catalog'],
};

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseConnectorArgs(argv: string[]): ConnectorArgs {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: { config: { type: 'string' }, catalog: { type: 'string' }, state: { type: 'string' }, debug: { type: 'boolean' } },
  });
  const command = positionals[0] as ConnectorCommand | undefined;
  if (!command || !COMMANDS.includes(command)) {
    throw new UsageError(`usage: <connector> ${COMMANDS.join('|')} [--config F] [--catalog F] [--state F] (got "${command ?? ''}")`);
  }
  const args: ConnectorArgs = { command };
  for (const key of ['config', 'catalog', 'state'] as const) {
    const value = values[key];
    if (typeof value === 'string') args[key] = value;
  }
  for (const needed of NEEDS[command]) {
    if (args[needed] === undefined) throw new UsageError(`${command} needs --${needed} <file>`);
  }
  return args;
}
