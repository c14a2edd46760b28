// Starts `sluice serve` as a real subprocess on a free port of the loopback interface, and calls its API over
// real HTTP.
import { execa, type ResultPromise } from 'execa';
import { sluiceBin, repoRoot } from './cli.js';

export interface RunningServer {
  url: string;
  child: ResultPromise;
  /** SIGINT, then waits for the exit; returns what it wrote on stderr. */
  stop(): Promise<string>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

export async function startServe(env: Record<string, string>, args: string[] = []): Promise<RunningServer> {
  const { child, match } = await startUntil(['serve', '--port', '0', '--tick', '0.2', ...args], /listening on (http:\/\/\S+)/, env);
  return { url: match, ...controls(child) };
}

export interface RunningWorker {
  /** The worker's id (host:pid), as jobs record it. */
  id: string;
  child: ResultPromise;
  stop(): Promise<string>;
  kill(): Promise<void>;
}

/** `sluice worker` as a real subprocess, in its own working directory `cwd`; resolves once it takes jobs. */
export async function startWorker(env: Record<string, string>, cwd: string, args: string[] = []): Promise<RunningWorker> {
  const { child, match } = await startUntil(['worker', ...args], /worker (\S+) taking jobs/, env, cwd);
  return { id: match, ...controls(child) };
}

/** Starts `sluice ARGS` and waits for the first match of `ready` on its stdout (its first group). */
function startUntil(args: string[], ready: RegExp, env: Record<string, string>, cwd = repoRoot): Promise<{ child: ResultPromise; match: string }> {
  return startUntilReady(process.execPath, [sluiceBin, ...args], ready, { env, cwd, what: `sluice ${args[0]}` });
}

/**
 * Starts FILE ARGS (`what` names it in errors) and waits for the first match of `ready` on its stdout (its first
 * group); fails if it exits first, or prints no match within `timeoutMs`.
 */
export async function startUntilReady(file: string, args: string[], ready: RegExp, options: { env: Record<string, string>; cwd?: string; what: string; timeoutMs?: number }): Promise<{ child: ResultPromise; match: string }> {
  const { env, cwd = repoRoot, what, timeoutMs = 20_000 } = options;
  const child = execa(file, args, { cwd, env, reject: false, buffer: { stdout: false, stderr: true } });
  const match = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not start: ${seen}`));
    }, timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const found = ready.exec(seen);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    });
    void child.then((result) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited ${result.exitCode}: ${String(result.stderr)}`));
    });
  });
  return { child, match };
}

function controls(child: ResultPromise): { child: ResultPromise; stop(): Promise<string>; kill(): Promise<void> } {
  return {
    child,
    async stop() {
      child.kill('SIGINT');
      const result = await child;
      return String(result.stderr ?? '');
    },
    async kill() {
      child.kill('SIGKILL');
      await child;
    },
  };
}

export interface ApiResult {
  status: number;
  body: any;
}

export async function api(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResult> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** Polls `read` until `done` holds for its value. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 30_000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
