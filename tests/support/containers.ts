// Owns the Docker containers a test starts with the docker CLI: each gets a name of its own (sluice-test-<random>),
// so that the test removes it whatever happened (`docker rm --force` in a finally) and can check none is left.
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import type { CliResult } from './cli.js';

/** A fresh container name. */
export function containerName(prefix = 'sluice-test'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** `docker ARGS` with `env` added to the test's environment (`-e NAME` passes a value without putting it in argv). */
export async function docker(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const result = await execa('docker', args, { reject: false, timeout: 120_000, env });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
}

/** Removes the container NAME, running or not; nothing when there is none. */
export async function removeContainer(name: string): Promise<void> {
  await docker(['rm', '--force', name]);
}

/** The ids of the containers, running or not, named exactly NAME. */
export async function containersNamed(name: string): Promise<string[]> {
  const result = await docker(['ps', '--all', '--quiet', '--filter', `name=^${name}$`]);
  if (result.exitCode !== 0) throw new Error(`docker ps failed: ${result.stderr}`);
  return result.stdout.split('\n').filter(Boolean);
}

/** `docker run --rm --name <fresh name> ARGS`; the container is removed afterwards even if the run failed or hung. */
export async function runContainer(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const name = containerName();
  try {
    return await docker(['run', '--rm', '--name', name, ...args], env);
  } finally {
    await removeContainer(name);
  }
}
