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
  const child = execa(process.execPath, [sluiceBin, 'serve', '--port', '0', '--tick', '0.2', ...args], {
    cwd: repoRoot,
    env,
    reject: false,
    buffer: { stdout: false, stderr: true },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`sluice serve did not start: ${seen}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void child.then((result) => {
      clearTimeout(timer);
      reject(new Error(`sluice serve exited ${result.exitCode}: ${String(result.stderr)}`));
    });
  });
  return {
    url,
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
