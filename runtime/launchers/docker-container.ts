// Owns one started connector container until it is gone: its exit status from the engine, timeouts and
// cancellation (SIGTERM, then SIGKILL after the grace period, both through the engine), and removing the container
// (with its anonymous volumes) once it has exited, whatever happened.
// `exited` may settle before the caller has read all of stdout: the attach connection keeps delivering what the
// engine still holds after the container is removed. A SIGTERM sent in the first instant after start can reach
// docker-init before it forwards signals and be lost; the SIGKILL after the grace period still ends the container.
import type Dockerode from 'dockerode';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { ContainerStdio } from './docker-stdio.js';
import type { ExitResult, LaunchRequest, RunningConnector } from './launcher.js';
import { forwardStderrLines } from './stderr-lines.js';
import { armStopTriggers } from './stop-triggers.js';
import { registerLiveConnector } from './live-connectors.js';

export const DEFAULT_KILL_GRACE_MS = 5_000;

/**
 * After the container has exited, how long the attach connection may take to deliver its last output before the
 * container is removed. The engine itself gives up on slow attach clients about as fast.
 */
const OUTPUT_DRAIN_MS = 2_000;

export class RunningContainer implements RunningConnector {
  readonly stdin: Writable | null;
  readonly stdout: Readable;
  readonly exited: Promise<ExitResult>;
  #stopping: Promise<ExitResult> | undefined;
  /** Signals the engine accepted for this container; only these explain a 128+n status as "killed by". */
  readonly #sentSignals = new Set<string>();
  readonly #graceMs: number;

  constructor(
    readonly container: Dockerode.Container,
    stdio: ContainerStdio,
    request: LaunchRequest,
    displayName: string,
  ) {
    this.stdin = stdio.stdin;
    this.stdout = stdio.stdout;
    this.#graceMs = request.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    // A connector that stops reading its stdin must not crash Sluice; the exit code tells the story.
    this.stdin?.on('error', () => undefined);
    forwardStderrLines(stdio.stderr, request.onStderrLine);

    const triggers = armStopTriggers(request, () => this.stop());
    const unregister = registerLiveConnector({
      name: displayName,
      kill: () => container.remove({ force: true, v: true }).then(() => undefined, () => undefined),
    });

    const status = container.wait().then(
      (result: { StatusCode?: number }) => result.StatusCode ?? null,
      // The container vanished or the engine went away: the exit status is unknown.
      () => null,
    );
    this.exited = status.then(async (statusCode) => {
      triggers.dispose();
      unregister();
      const oomKilled = await container.inspect().then(
        (info) => info.State.OOMKilled === true,
        () => false,
      );
      await Promise.race([stdio.closed, delay(OUTPUT_DRAIN_MS)]);
      await container.remove({ force: true, v: true }).catch(() => undefined);
      return exitResultOf(statusCode, {
        sentSignals: this.#sentSignals,
        oomKilled,
        timedOut: triggers.timedOut,
        cancelled: triggers.cancelled,
      });
    });
  }

  stop(): Promise<ExitResult> {
    this.#stopping ??= (async () => {
      await this.#kill('SIGTERM');
      const forceKill = setTimeout(() => void this.#kill('SIGKILL'), this.#graceMs);
      try {
        return await this.exited;
      } finally {
        clearTimeout(forceKill);
      }
    })();
    return this.#stopping;
  }

  async #kill(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    try {
      await this.container.kill({ signal });
      this.#sentSignals.add(signal);
    } catch {
      // Not running any more (409) or already removed (404).
    }
  }
}

/**
 * The engine only reports a status code; a process killed by signal n shows as 128+n. We report a signal (and a
 * null exit code) only when we know one was delivered: we sent it, or the kernel's OOM killer sent SIGKILL.
 * Any other code, 137 included, is reported as the exit code the connector chose.
 */
export function exitResultOf(
  statusCode: number | null,
  facts: { sentSignals: ReadonlySet<string>; oomKilled: boolean; timedOut: boolean; cancelled: boolean },
): ExitResult {
  const { timedOut, cancelled } = facts;
  if (statusCode === null) return { exitCode: null, signal: null, timedOut, cancelled };
  const signal = signalName(statusCode - 128);
  if (signal && (facts.sentSignals.has(signal) || (signal === 'SIGKILL' && facts.oomKilled))) {
    return { exitCode: null, signal, timedOut, cancelled };
  }
  return { exitCode: statusCode, signal: null, timedOut, cancelled };
}

function signalName(number: number): string | undefined {
  if (number <= 0) return undefined;
  return Object.entries(constants.signals).find(([, value]) => value === number)?.[0];
}
