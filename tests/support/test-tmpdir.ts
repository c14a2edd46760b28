// Vitest global setup: every temporary file of a test run (the tests' own directories, workspaces, and whatever the
// processes they start put in TMPDIR) goes under one directory made for the run, removed when the run ends, so that
// a run leaves nothing in /tmp. Set before the test processes start, which inherit it. The caches Sluice keeps
// (XDG_CACHE_HOME: connector specs) go there too, so a test never reads or writes the user's ~/.cache.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  // Vitest runs a global setup once per project as well: the first call makes the directory, the others keep it
  // (nesting them would make paths too long for a Unix socket, which Chromium puts in its profile).
  if (process.env['SLUICE_TESTS_TMPDIR'] !== undefined) return () => undefined;
  const previous = process.env['TMPDIR'];
  const previousCache = process.env['XDG_CACHE_HOME'];
  const dir = mkdtempSync(join(tmpdir(), 'sluice-tests-'));
  // Readable by other users, as /tmp is: the PostgreSQL server or a container user may read a test's files.
  chmodSync(dir, 0o755);
  process.env['TMPDIR'] = dir;
  process.env['SLUICE_TESTS_TMPDIR'] = dir;
  process.env['XDG_CACHE_HOME'] = join(dir, 'cache');
  return () => {
    if (previousCache === undefined) delete process.env['XDG_CACHE_HOME'];
    else process.env['XDG_CACHE_HOME'] = previousCache;
    delete process.env['SLUICE_TESTS_TMPDIR'];
    if (previous === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previous;
    rmSync(dir, { recursive: true, force: true });
  };
}
