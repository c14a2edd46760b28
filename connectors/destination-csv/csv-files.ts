// Owns the file-level steps destination-csv needs: reading a CSV file's records (header first) as a stream,
// rewriting a file (the kit's rewriteFile, re-exported), and the committed-length marker that
// lets an append resume after a crash without a torn record.
import { createReadStream } from 'node:fs';
import { open, rm, truncate } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CsvParser, type CsvRecord } from '../kit/csv.js';
import { writeFully } from '../kit/write-fully.js';
import { ConnectorError } from '../kit/run-connector.js';

/** The records of a CSV file, header first; stopping early (break) closes the file. */
export async function* csvRecords(path: string, delimiter: string): AsyncGenerator<CsvRecord> {
  const parser = new CsvParser(delimiter);
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 })) {
    yield* parser.push(chunk as string);
  }
  yield* parser.end();
}

export async function readHeader(path: string, delimiter: string): Promise<string[] | undefined> {
  for await (const record of csvRecords(path, delimiter)) return record.map((name) => name ?? '');
  return undefined;
}

export { rewriteFile, syncDirectory } from '../kit/rewrite-file.js';

/**
 * The length of a file up to its last commit, kept in `.<file>.committed` next to it while a sync appends to it.
 * After a crash the marker is still there, and the next sync cuts the file back to that length first.
 * The length is written in place as 20 digits, so one small write replaces it whole.
 */
export class CommittedLength {
  readonly path: string;
  #handle: Awaited<ReturnType<typeof open>> | undefined;

  constructor(readonly file: string) {
    this.path = join(dirname(file), `.${basename(file)}.committed`);
  }

  /** Cuts the file back to the length a crashed sync committed, if there was one. */
  async recover(): Promise<void> {
    // Only "no marker" and "no file" mean there is nothing to cut back; any other failure propagates: going on
    // would append after the torn rows of the crashed sync.
    const handle = await open(this.path, 'r').catch(ifMissing(undefined));
    if (!handle) return;
    const text = await handle.readFile('utf8').finally(() => handle.close());
    if (!/^\d+$/.test(text.trim())) return;
    await truncate(this.file, Number(text.trim())).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return;
      throw new ConnectorError(`cannot cut ${this.file} back to its committed length ${Number(text.trim())} after a crashed sync: ${error.message}`, 'system_error');
    });
  }

  async record(length: number): Promise<void> {
    this.#handle ??= await open(this.path, 'w', 0o644);
    await writeFully(this.#handle, this.path, String(length).padStart(20, '0'), 0);
    await this.#handle.sync();
  }

  /** The file is whole again (finished, or cut back after a failure): the marker goes. */
  async remove(): Promise<void> {
    await this.#handle?.close().catch(() => undefined);
    this.#handle = undefined;
    await rm(this.path, { force: true });
  }
}

/** A catch handler that turns "does not exist" into `value` and rethrows anything else. */
function ifMissing<T>(value: T): (error: NodeJS.ErrnoException) => T {
  return (error) => {
    if (error.code === 'ENOENT') return value;
    throw error;
  };
}
