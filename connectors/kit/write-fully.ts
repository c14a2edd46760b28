// Owns writing to a file without losing bytes: `FileHandle.write` may write fewer bytes than asked and still succeed
// (a disk that fills up mid-write does exactly that), so every write goes on until all bytes are written or one
// fails; the failure names the file. A caller that gets an error must not echo a state or rename the file.
import type { FileHandle } from 'node:fs/promises';
import { ConnectorError } from './run-connector.js';

/** Writes all of `data` (at `position`, or at the file's current offset); returns the number of bytes written. */
export async function writeFully(handle: FileHandle, path: string, data: string | Buffer, position?: number): Promise<number> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let offset = 0;
  while (offset < bytes.length) {
    let written: number;
    try {
      ({ bytesWritten: written } = await handle.write(bytes, offset, bytes.length - offset, position === undefined ? null : position + offset));
    } catch (error) {
      throw writeFailed(path, offset, bytes.length, error as NodeJS.ErrnoException);
    }
    // A write that makes no progress would loop forever: the disk cannot take more.
    if (written === 0) throw writeFailed(path, offset, bytes.length, Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
    offset += written;
  }
  return bytes.length;
}

function writeFailed(path: string, written: number, wanted: number, cause: NodeJS.ErrnoException): ConnectorError {
  const reason = cause.code === 'ENOSPC' ? 'no space left on device (ENOSPC)' : cause.message;
  const error = new ConnectorError(`cannot write ${path}: ${reason}; ${written} of ${wanted} bytes were written`, 'system_error');
  error.cause = cause;
  return error;
}
