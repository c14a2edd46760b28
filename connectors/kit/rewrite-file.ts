// Owns replacing a file's content safely: the new lines go to a side file that is fsync'ed and renamed over the
// old one (then the directory is synced), so a crash leaves the old file or the new one, never a torn one. A write
// that cannot complete (a full disk) fails the rewrite and the old file stays as it was.
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFully } from './write-fully.js';

const WRITE_AT_CHARS = 1 << 20;

/** Writes `lines()` (each with its own line ending) into `path.rewrite`, fsyncs it and renames it over `path`. */
export async function rewriteFile(path: string, lines: () => AsyncIterable<string> | Iterable<string>): Promise<void> {
  const temporary = `${path}.rewrite`;
  const handle = await open(temporary, 'w', 0o644);
  try {
    let parts: string[] = [];
    let chars = 0;
    for await (const line of lines()) {
      parts.push(line);
      chars += line.length;
      if (chars >= WRITE_AT_CHARS) {
        await writeFully(handle, temporary, parts.join(''));
        parts = [];
        chars = 0;
      }
    }
    if (parts.length > 0) await writeFully(handle, temporary, parts.join(''));
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temporary, path);
  await syncDirectory(dirname(path));
}

/** Makes a rename in `dir` durable (best effort: some file systems cannot fsync a directory). */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close();
}
