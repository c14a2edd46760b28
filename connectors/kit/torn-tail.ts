// Owns cutting a torn last line off an append-only lines file: only a write that never completed (a crash, a full
// disk) can leave a last line without its newline, and nothing in it was committed, so it goes before appending.
// Otherwise the next run's first line would be glued to it, and both lost.
import { open } from 'node:fs/promises';

const CHUNK = 64 * 1024;

/** Cuts `path` back to just after its last newline; returns the bytes removed (0 if none, or no such file). */
export async function cutTornTail(path: string): Promise<number> {
  const handle = await open(path, 'r+').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!handle) return 0;
  try {
    const size = (await handle.stat()).size;
    const buffer = Buffer.alloc(CHUNK);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - CHUNK);
      const { bytesRead } = await handle.read(buffer, 0, end - start, start);
      const newline = buffer.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (newline >= 0) {
        end = start + newline + 1;
        break;
      }
      end = start;
    }
    if (end === size) return 0;
    await handle.truncate(end);
    await handle.sync();
    return size - end;
  } finally {
    await handle.close();
  }
}
