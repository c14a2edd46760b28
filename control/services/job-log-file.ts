// Owns reading the log file of a job that ran before job logs were stored in the database (logs/job-N.log under
// the workspace, its path on the job row): nothing writes such files any more, but their jobs stay readable.
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * The complete lines of the file from byte `offset` on (a line still being written waits for the next read), and
 * the offset to read from next time.
 */
export function readJobLogFile(path: string, offset: number): { lines: string[]; offset: number } {
  if (!existsSync(path)) return { lines: [], offset };
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size <= offset) return { lines: [], offset };
    const buffer = Buffer.alloc(size - offset);
    const read = readSync(fd, buffer, 0, buffer.length, offset);
    const end = buffer.lastIndexOf(0x0a, read - 1);
    if (end < 0) return { lines: [], offset };
    const lines = buffer.subarray(0, end).toString('utf8').split('\n').filter((line) => line.trim() !== '');
    return { lines, offset: offset + end + 1 };
  } finally {
    closeSync(fd);
  }
}
