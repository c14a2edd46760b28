// Owns running a connector as a local process: its own owner-only working directory holding its files (work-dirs.ts),
// a minimal environment, stderr split into lines, timeouts and cancellation that end the whole process group
// (SIGTERM, then SIGKILL after a grace period), and no process left behind once it has exited.
// Node's own spawn, not execa: the launcher uses none of execa's extras (no buffering, no rejection, its own
// termination), and execa's hundred modules were a fifth of a sync's start-up.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rm, stat } from 'node:fs/promises';
import { SluiceError } from '../errors.js';
import { isolatedEnvironment } from './isolated-environment.js';
import { writeConnectorFiles } from './connector-files.js';
import { forwardStderrLines } from './stderr-lines.js';
import { armStopTriggers } from './stop-triggers.js';
import { liveProcessGroups } from './process-groups.js';
import { registerLiveConnector } from './live-connectors.js';
import { makeWorkDir } from './work-dirs.js';
import { releaseWhenDrained } from './pipe-release.js';
import { protocolArgs, type ExitResult, type Launcher, type LaunchRequest, type RunningConnector } from './launcher.js';

export interface ProcessCommand {
  /** The executable: an absolute path, or a name looked up on PATH. */
  file: string;
  /** Arguments placed before the protocol command (e.g. the script a runtime runs). */
  args: string[];
}

export const DEFAULT_KILL_GRACE_MS = 5_000;

export class ProcessLauncher implements Launcher {
  constructor(
    readonly command: ProcessCommand,
    readonly displayName: string,
  ) {}

  async launch(request: LaunchRequest): Promise<RunningConnector> {
    const workDir = await makeWorkDir();
    let child: ConnectorSubprocess;
    try {
      const paths = await writeConnectorFiles(workDir, request.files ?? {});
      const args = [...this.command.args, ...protocolArgs(request.command, paths), ...(request.extraArgs ?? [])];
      child = spawnConnector(this.command.file, args, workDir, request);
      await once(child, 'spawn');
    } catch (error) {
      await rm(workDir, { recursive: true, force: true });
      throw spawnError(this.displayName, this.command.file, error);
    }
    return new RunningProcess(child, workDir, request, this.displayName);
  }

  /**
   * The executable and every argument that names a file (a script an interpreter runs), each with its size and
   * modification time: rebuilding or replacing any of them changes the identity.
   */
  async identity(): Promise<string | undefined> {
    const files = await Promise.all(
      [this.command.file, ...this.command.args].map(async (word) => {
        const found = await stat(word).catch(() => undefined);
        return found?.isFile() ? [word, found.size, found.mtimeMs, found.ino] : [word];
      }),
    );
    return JSON.stringify(['process', ...files]);
  }
}

function spawnConnector(file: string, args: string[], workDir: string, request: LaunchRequest): ChildProcess {
  const child = spawn(file, args, {
    cwd: workDir,
    env: isolatedEnvironment(workDir, request.env),
    stdio: [request.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    // Its own process group, so that stopping it also stops whatever it started.
    detached: true,
  });
  // Spawn failures reject `once(child, 'spawn')`; nothing after the spawn may crash Sluice through an unheard error.
  child.on('error', () => undefined);
  return child;
}

type ConnectorSubprocess = ChildProcess;

class RunningProcess implements RunningConnector {
  readonly stdin;
  readonly stdout;
  readonly exited: Promise<ExitResult>;
  #stopping: Promise<ExitResult> | undefined;
  readonly #pid: number;
  readonly #graceMs: number;

  constructor(
    readonly child: ConnectorSubprocess,
    workDir: string,
    request: LaunchRequest,
    displayName: string,
  ) {
    this.stdin = child.stdin ?? null;
    this.stdout = child.stdout!;
    this.#pid = child.pid!;
    this.#graceMs = request.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    liveProcessGroups.add(this.#pid);
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // A forced stop waits until the connector is really gone (reaped), so nothing of it outlives Sluice.
    const unregister = registerLiveConnector({ name: displayName, kill: () => (killGroup(this.#pid, 'SIGKILL'), gone) });
    // A connector that stops reading its stdin must not crash Sluice with EPIPE; the exit code tells the story.
    this.stdin?.on('error', () => undefined);
    forwardStderrLines(child.stderr!, request.onStderrLine);

    const triggers = armStopTriggers(request, () => this.stop());

    // The exit of the connector itself, not the end of its pipes: a helper it left in the background (`sleep 90 &
    // exec …`) may hold them open.
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    this.exited = exit.then(async ({ code, signal }) => {
      triggers.dispose();
      // Whatever the connector started and left running goes with it; what it wrote is still in the pipes, and the
      // reader gets it, then the end of input once the last helper holding them is gone (or let go of).
      killGroup(this.#pid, 'SIGKILL');
      liveProcessGroups.delete(this.#pid);
      unregister();
      await Promise.all([releaseWhenDrained(child.stdout!), releaseWhenDrained(child.stderr!)]);
      await rm(workDir, { recursive: true, force: true });
      return { exitCode: signal ? null : code, signal, timedOut: triggers.timedOut, cancelled: triggers.cancelled };
    });
  }

  stop(): Promise<ExitResult> {
    this.#stopping ??= (async () => {
      killGroup(this.#pid, 'SIGTERM');
      const forceKill = setTimeout(() => killGroup(this.#pid, 'SIGKILL'), this.#graceMs);
      try {
        return await this.exited;
      } finally {
        clearTimeout(forceKill);
      }
    })();
    return this.#stopping;
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function spawnError(displayName: string, file: string, error: unknown): SluiceError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new SluiceError('connector.not_found', `connector ${displayName}: ${file} does not exist`, { cause: error });
  }
  if (code === 'EACCES') {
    return new SluiceError('connector.not_executable', `connector ${displayName}: ${file} is not executable`, {
      cause: error,
      hint: `chmod +x ${file}`,
    });
  }
  if (error instanceof SluiceError) return error;
  return new SluiceError('connector.spawn_failed', `connector ${displayName} could not be started: ${(error as Error).message}`, {
    cause: error,
  });
}
