// Owns the one interface every way of running a connector implements (local process, Docker container).
// The caller never knows which it has: it hands over the command, the JSON documents the command reads,
// and gets streams and an exit result back.
import type { Readable, Writable } from 'node:stream';

export type ProtocolCommand = 'spec' | 'check' | 'discover' | 'read' | 'write';

/** The JSON documents a command reads from files; the launcher materialises them where the connector can see them. */
export interface ConnectorFiles {
  config?: unknown;
  catalog?: unknown;
  state?: unknown;
}

export interface LaunchRequest {
  command: ProtocolCommand;
  /** Written to owner-only files (or copied into the container) and passed as --config/--catalog/--state. */
  files?: ConnectorFiles;
  /** Extra arguments appended after the protocol arguments (e.g. --debug). */
  extraArgs?: string[];
  /** True when the caller will write messages to the connector's stdin (`write`; a following sync's `read`). */
  stdin?: boolean;
  /** Variables the user passes to this connector; nothing else of Sluice's environment leaks in. */
  env?: Record<string, string>;
  /** Kill the connector (SIGTERM, then SIGKILL after the grace period) when it runs longer than this. */
  timeoutMs?: number;
  /** Cancels the connector the same way. */
  signal?: AbortSignal;
  /** Time between SIGTERM and SIGKILL. */
  killGraceMs?: number;
  /** Called once per line the connector writes on stderr (without the newline). */
  onStderrLine?: (line: string) => void;
}

export interface ExitResult {
  /** The exit code, or null when the connector was ended by a signal. */
  exitCode: number | null;
  /** The signal that ended the connector (e.g. 'SIGKILL'), or null. */
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
}

export interface RunningConnector {
  /** Messages for `write`; null unless the request asked for stdin. */
  readonly stdin: Writable | null;
  /** The connector's protocol output, as raw bytes. */
  readonly stdout: Readable;
  /** Settles when the connector has exited and its files and container are cleaned up; never rejects. */
  readonly exited: Promise<ExitResult>;
  /** Asks the connector to stop: SIGTERM, then SIGKILL after the grace period. Resolves when it has exited. */
  stop(): Promise<ExitResult>;
}

export interface Launcher {
  /** How the connector is referred to in messages, e.g. `source-faker`, `./my-source.py`, `docker:acme/source:1.0`. */
  readonly displayName: string;
  /**
   * Starts the connector. Rejects with a SluiceError when it cannot be started at all
   * (connector.not_found, connector.not_executable, connector.image_not_found, docker.unavailable).
   */
  launch(request: LaunchRequest): Promise<RunningConnector>;
  /**
   * What identifies this connector's build, for caching what it always answers the same (its spec): it changes
   * whenever the connector may have. Undefined when it cannot be told (nothing is cached then).
   */
  identity?(): Promise<string | undefined>;
}

/** The argv a connector gets for a command, given where its files live. */
export function protocolArgs(
  command: ProtocolCommand,
  paths: { config?: string; catalog?: string; state?: string },
): string[] {
  const args: string[] = [command];
  if (paths.config !== undefined) args.push('--config', paths.config);
  if (paths.catalog !== undefined) args.push('--catalog', paths.catalog);
  if (paths.state !== undefined) args.push('--state', paths.state);
  return args;
}
