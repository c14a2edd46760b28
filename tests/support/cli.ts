// Runs the built sluice CLI as a real subprocess, the way a user does.
import { execa, type Options } from 'execa';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const sluiceBin = join(repoRoot, 'dist/cli/main.js');
export const fixtures = join(repoRoot, 'tests/fixtures/connectors');
export const fixture = (name: string): string => join(fixtures, name);

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `sluice ARGS` with logs as JSON lines (stderr is not a terminal) and returns what it printed. */
export async function sluice(args: string[], options: Options = {}): Promise<CliResult> {
  const result = await execa(process.execPath, [sluiceBin, ...args], {
    reject: false,
    timeout: 120_000,
    cwd: repoRoot,
    ...options,
  } as Options);
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
}

/** A fresh temporary directory for one test. */
export function tempDir(prefix = 'sluice-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes `value` as JSON into `dir/name` and returns the path. */
export function jsonFile(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

/** The lines of stdout parsed as JSON. */
export function jsonLines(stdout: string): Array<Record<string, any>> {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, any>);
}

/** The one line sluice prints on failure. */
export function errorLine(stderr: string): string | undefined {
  return stderr.split('\n').find((line) => line.startsWith('sluice: '));
}
