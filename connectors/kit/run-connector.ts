// Owns a connector's main: parse the command line, read and validate the config against the spec (unless Sluice
// stamped it as validated, protocol/config-stamp.ts), dispatch to
// the connector's handler, and turn any failure into a TRACE ERROR (with failure_type) and a non-zero exit.
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { normalizeState, type NormalizedState } from '../../protocol/state.js';
import { CONFIG_STAMP_ENV, configStamp } from '../../protocol/config-stamp.js';
import type { AirbyteCatalog, ConfiguredAirbyteCatalog, ConnectorSpecification } from '../../protocol/types.generated.js';
import { parseConnectorArgs, UsageError } from './args.js';
import { MessageWriter } from './message-writer.js';
import { catalogMessage, connectionStatus, errorTrace, specMessage, type FailureType } from './messages.js';

/** An error a connector throws to say what kind of failure it is. */
export class ConnectorError extends Error {
  constructor(
    message: string,
    readonly failureType: FailureType = 'system_error',
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}

export interface ConnectorDefinition<Config> {
  spec: ConnectorSpecification;
  /** Returns nothing on success, or the message explaining why the connection fails. */
  check?(config: Config): Promise<string | undefined>;
  discover?(config: Config): Promise<AirbyteCatalog>;
  read?(config: Config, catalog: ConfiguredAirbyteCatalog, state: NormalizedState, out: MessageWriter): Promise<void>;
  write?(config: Config, catalog: ConfiguredAirbyteCatalog, input: Readable, out: MessageWriter): Promise<void>;
}

export async function runConnector<Config>(definition: ConnectorDefinition<Config>, argv = process.argv.slice(2)): Promise<void> {
  // Sluice runs a connector in a scratch directory of its own; a path the user wrote in a config ("out/", "data.csv")
  // means the directory they ran Sluice from, which Sluice passes along.
  const callerDir = process.env['SLUICE_CALLER_DIR'];
  if (callerDir) process.chdir(callerDir);
  const out = new MessageWriter();
  let exitCode = 0;
  try {
    const args = parseConnectorArgs(argv);
    if (args.command === 'spec') {
      await out.emit(specMessage(definition.spec));
    } else {
      const config = await readConfig<Config>(args.config!, definition.spec);
      if (args.command === 'check') {
        const problem = config.problem ?? (definition.check ? await definition.check(config.value!) : undefined);
        await out.emit(connectionStatus(problem === undefined, problem));
      } else {
        if (config.problem) throw new ConnectorError(config.problem, 'config_error');
        await dispatch(definition, args, config.value!, out);
      }
    }
  } catch (error) {
    exitCode = 1;
    const failureType = error instanceof ConnectorError ? error.failureType : error instanceof UsageError ? 'config_error' : 'system_error';
    const message = error instanceof Error ? error.message : String(error);
    await out.emit(errorTrace(message, failureType, error instanceof Error ? error.stack : undefined));
  }
  await out.end();
  process.exitCode = exitCode;
}

async function dispatch<Config>(
  definition: ConnectorDefinition<Config>,
  args: ReturnType<typeof parseConnectorArgs>,
  config: Config,
  out: MessageWriter,
): Promise<void> {
  switch (args.command) {
    case 'discover':
      if (!definition.discover) throw new ConnectorError('this connector does not support discover', 'config_error');
      await out.emit(catalogMessage(await definition.discover(config)));
      return;
    case 'read': {
      if (!definition.read) throw new ConnectorError('this connector is not a source', 'config_error');
      const catalog = (await readJson(args.catalog!, 'catalog')) as ConfiguredAirbyteCatalog;
      const state = normalizeState(args.state === undefined ? undefined : await readJson(args.state, 'state'));
      await definition.read(config, catalog, state, out);
      return;
    }
    case 'write': {
      if (!definition.write) throw new ConnectorError('this connector is not a destination', 'config_error');
      const catalog = (await readJson(args.catalog!, 'catalog')) as ConfiguredAirbyteCatalog;
      await definition.write(config, catalog, process.stdin, out);
      return;
    }
    default:
      return;
  }
}

async function readConfig<Config>(path: string, spec: ConnectorSpecification): Promise<{ value?: Config; problem?: string }> {
  const value = await readJson(path, 'config');
  // Sluice has validated this very config against this very spec (protocol/config-stamp.ts): not again. A connector
  // run by hand, or given a stamp of anything else, validates.
  const stamp = process.env[CONFIG_STAMP_ENV];
  if (stamp !== undefined && stamp === configStamp(spec.connectionSpecification, value)) return { value: value as Config };
  // The validator (ajv) is loaded only by commands that read a config: `spec` starts without it.
  const { formatIssues, validateAgainstSchema } = await import('../../protocol/validators.js');
  const issues = validateAgainstSchema(spec.connectionSpecification as object, value);
  if (issues.length > 0) return { problem: formatIssues(issues, 'config') };
  return { value: value as Config };
}

async function readJson(path: string, role: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConnectorError(`cannot read the ${role} file ${path}: ${(error as Error).message}`, 'config_error');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConnectorError(`the ${role} file ${path} is not valid JSON: ${(error as Error).message}`, 'config_error');
  }
}
