// Owns the temporary working directories of local connectors (their config, catalog and state files, secrets
// included): made owner-only (0700) under the system temp directory and named for the Sluice process that owns
// them, `sluice-connector-<pid>-XXXXXX`, so that a later Sluice can remove those a killed Sluice left behind.
// A directory is stale when its owner is dead; one whose owner is alive (or cannot be told dead) is never touched.
import { chmod, lstat, mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOwnerAlive } from './owner-process.js';

const PREFIX = 'sluice-connector-';
const OWNED = /^sluice-connector-(\d+)-[A-Za-z0-9]{6}$/;
// Made before directories were named for their owner: stale when older than a day and no process works inside
// it (Linux only; elsewhere they are left alone).
const UNOWNED = /^sluice-connector-[A-Za-z0-9]{6}$/;
const UNOWNED_MIN_AGE_MS = 24 * 3600_000;

/** A new owner-only working directory for a connector of this process. */
export async function makeWorkDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `${PREFIX}${process.pid}-`));
  await chmod(dir, 0o700);
  return dir;
}

/** Removes the working directories left by Sluice processes that are gone; returns their paths. */
export async function sweepStaleWorkDirs(parent = tmpdir()): Promise<string[]> {
  const names = await readdir(parent).catch(() => [] as string[]);
  const candidates = names.filter((name) => name.startsWith(PREFIX));
  if (candidates.length === 0) return [];
  let cwds: Set<string> | undefined;
  const removed: string[] = [];
  for (const name of candidates) {
    const path = join(parent, name);
    const owner = OWNED.exec(name);
    if (!owner && !UNOWNED.test(name)) continue;
    if (owner && isOwnerAlive(Number(owner[1]))) continue;
    // Only our own directories, never a symbolic link someone planted.
    const info = await lstat(path).catch(() => undefined);
    if (!info?.isDirectory() || info.uid !== process.getuid?.()) continue;
    if (!owner) {
      if (Date.now() - info.mtimeMs < UNOWNED_MIN_AGE_MS) continue;
      cwds ??= await processWorkingDirs();
      if (cwds === undefined || [...cwds].some((cwd) => cwd === path || cwd.startsWith(`${path}/`))) continue;
    }
    await rm(path, { recursive: true, force: true }).then(() => removed.push(path), () => undefined);
  }
  return removed;
}

/** The working directory of every process we can see, or undefined where /proc does not tell. */
async function processWorkingDirs(): Promise<Set<string> | undefined> {
  const entries = await readdir('/proc').catch(() => undefined);
  if (entries === undefined) return undefined;
  const cwds = new Set<string>();
  await Promise.all(
    entries.filter((entry) => /^\d+$/.test(entry)).map(async (pid) => {
      const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => undefined);
      if (cwd !== undefined) cwds.add(cwd);
    }),
  );
  return cwds;
}
