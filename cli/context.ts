// Owns what every connector command shares: the common options, the logger, the connector client built from a
// reference, reading the user's files, and cancellation on Ctrl-C.
import type { Command } from 'commander';
import { resolveConnector, type DockerOptions } from '../runtime/connector-ref.js';
import { ConnectorClient, type ConnectorClientOptions } from '../runtime/connector-client.js';
import { createLogger, type LogLevel, type Logger } from '../runtime/logger.js';
import { SluiceError } from '../runtime/errors.js';
import { killLiveConnectors } from '../runtime/launchers/live-connectors.js';
import { constants as osConstants } from 'node:os';
import { printError } from './output.js';

export interface ConnectorOptions {
  timeout?: string;
  env?: string[];
  maxLineBytes?: string;
  dockerMemory?: string;
  dockerCpus?: string;
  dockerNetwork?: string;
  pull?: boolean;
}

export interface GlobalOptions {
  logLevel: LogLevel;
}

/** Adds the options every command that runs a connector accepts. */
export function withConnectorOptions(command: Command): Command {
  return command
    .option('--timeout <seconds>', 'stop the connector if it runs longer than this')
    .option('--env <KEY=VALUE...>', 'environment variable for the connector (repeatable)')
    .option('--max-line-bytes <bytes>', 'longest protocol line accepted from the connector', String(64 * 1024 * 1024))
    .option('--docker-memory <bytes>', 'memory limit of a docker: connector, e.g. 512m or 2g')
    .option('--docker-cpus <n>', 'CPU limit of a docker: connector, e.g. 1.5')
    .option('--docker-network <mode>', 'network mode of a docker: connector (default: none)')
    .option('--pull', 'pull a docker: image that is not present locally');
}


export function loggerFor(command: Command): Logger {
  const { logLevel } = command.optsWithGlobals<GlobalOptions>();
  return createLogger({ level: logLevel });
}

let interruption: AbortController | undefined;

/**
 * Aborted on the first Ctrl-C or SIGTERM: the command stops its connectors (a sync lets its destination finish,
 * within --destination-timeout) and exits 130. A second one kills every connector at once and exits 128+N.
 * One signal for the whole process, whoever asks for it.
 */
export function interruptSignal(logger?: Logger): AbortSignal {
  if (interruption) return interruption.signal;
  const controller = new AbortController();
  interruption = controller;
  // A third signal while the second one's kills are under way changes nothing.
  let forcing: Promise<void> | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!controller.signal.aborted) {
      logger?.warn(`${signal}: stopping; send it again to stop at once`);
      controller.abort(new SluiceError('sync.interrupted', 'interrupted', { exitCode: 130 }));
      return;
    }
    forcing ??= forceStop(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller.signal;
}

/** The second signal: kill every connector still running, say which, and exit without waiting for anything else. */
async function forceStop(signal: NodeJS.Signals): Promise<void> {
  const killed = await killLiveConnectors(FORCE_STOP_TIMEOUT_MS);
  const what = killed.length === 0 ? 'no connector was running' : `killed ${killed.join(', ')}`;
  printError(new SluiceError('cli.force_stopped', `stopped at once by a second ${signal}; ${what}`), false);
  process.exit(128 + osConstants.signals[signal]);
}

/** How long a forced stop waits for the kill orders to be given (a container's removal goes through the engine). */
const FORCE_STOP_TIMEOUT_MS = 5_000;

export async function connectorClient(
  reference: string,
  options: ConnectorOptions,
  logger: Logger,
  signal?: AbortSignal,
  extra: Pick<ConnectorClientOptions, 'specCache'> = {},
): Promise<ConnectorClient> {
  const launcher = await resolveConnector(reference, { docker: dockerOptions(options) });
  const timeoutMs = options.timeout === undefined ? undefined : positiveNumber(options.timeout, '--timeout') * 1000;
  return new ConnectorClient(launcher, {
    logger,
    timeoutMs,
    streamTimeoutMs: timeoutMs,
    signal,
    env: parseEnv(options.env ?? []),
    maxLineBytes: options.maxLineBytes === undefined ? undefined : positiveNumber(options.maxLineBytes, '--max-line-bytes'),
    ...extra,
  });
}

function dockerOptions(options: ConnectorOptions): DockerOptions {
  return {
    memoryBytes: options.dockerMemory === undefined ? undefined : parseBytes(options.dockerMemory),
    nanoCpus: options.dockerCpus === undefined ? undefined : Math.round(positiveNumber(options.dockerCpus, '--docker-cpus') * 1e9),
    networkMode: options.dockerNetwork,
    pull: options.pull === true,
  };
}

function parseEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new SluiceError('cli.usage', `--env ${pair}: expected KEY=VALUE`);
    env[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return env;
}

export function positiveNumber(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new SluiceError('cli.usage', `${option} ${text}: expected a positive number`);
  return value;
}

function parseBytes(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([kmg]?)b?$/i.exec(text.trim());
  if (!match) throw new SluiceError('cli.usage', `--docker-memory ${text}: expected a size such as 512m or 2g`);
  const scale = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.round(Number(match[1]) * scale);
}
