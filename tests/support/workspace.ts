// Runs the built CLI against a workspace of its own (SLUICE_HOME), optionally with its database in PostgreSQL.
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { sluice, tempDir, type CliResult } from './cli.js';

export interface Workspace {
  dir: string;
  env: Record<string, string>;
  /** `cwd`: the directory sluice runs in (default: the repository root). */
  run(args: string[], options?: { input?: string; env?: Record<string, string>; cwd?: string }): Promise<CliResult>;
  /** `sluice ARGS --json`, parsed. */
  json(args: string[]): Promise<any>;
}

export function workspace(extraEnv: Record<string, string> = {}): Workspace {
  const dir = tempDir('sluice-ws-');
  const env = { SLUICE_HOME: join(dir, 'home'), ...extraEnv };
  const run = (args: string[], options: { input?: string; env?: Record<string, string>; cwd?: string } = {}) =>
    sluice(args, {
      env: { ...env, ...options.env },
      ...(options.input === undefined ? {} : { input: options.input }),
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    });
  return {
    dir,
    env,
    run,
    async json(args) {
      const result = await run([...args, '--json']);
      if (result.exitCode !== 0) throw new Error(`sluice ${args.join(' ')} exited ${result.exitCode}: ${result.stderr}`);
      return JSON.parse(result.stdout);
    },
  };
}

/** The `_airbyte_data` of each row destination-local-json wrote for a stream. */
export function rows(dir: string, stream: string): Array<Record<string, any>> {
  const path = join(dir, `${stream}.jsonl`);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line)._airbyte_data);
}
