// Owns one stream's output file: buffered appends, a durable flush (write + fsync) before any state covering
// its records is echoed, and at the end the mode's finishing step: swap in (overwrite) or dedupe (append_dedup).
// Every byte is written or the write fails (writeFully), so no STATE is echoed past a short write; a failed sync cuts
// the file back to its last commit, and a torn last line left by a crash is cut before appending.
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ConfiguredAirbyteStream } from '../../protocol/types.generated.js';
import { compareCursors, valueAtPath } from '../kit/cursor.js';
import { parseExact, stringifyExact } from '../kit/exact-json.js';
import { rewriteFile } from '../kit/rewrite-file.js';
import { cutTornTail } from '../kit/torn-tail.js';
import { writeFully } from '../kit/write-fully.js';
import { OutputBuffer } from '../kit/output-buffer.js';

const BUFFER_BYTES = 1 << 20;

export class StreamFile {
  #handle: FileHandle | undefined;
  readonly #pending = new OutputBuffer();
  #dirty = false;
  /** Bytes in the file, and up to its last commit. */
  #length = 0;
  #committed = 0;
  readonly mode: string;
  /** Where records go while the sync runs: the final file, or a side file for overwrite. */
  readonly writePath: string;

  constructor(
    readonly path: string,
    readonly configured: ConfiguredAirbyteStream,
  ) {
    this.mode = configured.destination_sync_mode ?? 'append';
    this.writePath = this.mode === 'overwrite' ? `${path}.incoming` : path;
  }

  async open(): Promise<void> {
    // Overwrite starts a fresh side file; the current file stays readable until the sync succeeds.
    if (this.mode !== 'overwrite') await cutTornTail(this.writePath);
    this.#handle = await open(this.writePath, this.mode === 'overwrite' ? 'w' : 'a', 0o644);
    this.#length = this.#committed = (await this.#handle.stat()).size;
  }

  /** Appends one line (`line` ends with its newline); returns a promise only when the buffer went to the file. */
  append(line: string): Promise<void> | undefined {
    this.#pending.append(line);
    return this.#pending.length >= BUFFER_BYTES ? this.#write() : undefined;
  }

  /** Makes every appended record durable. */
  async commit(): Promise<void> {
    await this.#write();
    if (this.#dirty) {
      await this.#handle!.sync();
      this.#dirty = false;
      this.#committed = this.#length;
    }
  }

  /** Commits, closes and applies the mode's end-of-sync step; an incomplete overwrite leaves the old file. */
  async finish(complete: boolean): Promise<void> {
    await this.commit();
    await this.#handle?.close();
    this.#handle = undefined;
    if (this.mode === 'overwrite') {
      if (complete) await rename(this.writePath, this.path);
      else await rm(this.writePath, { force: true });
    }
    else if (this.mode === 'append_dedup') await dedupe(this.path, this.configured);
  }

  /** The sync failed: what was written since the last commit goes (an overwrite's side file entirely). */
  async abort(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    if (this.mode === 'overwrite') {
      await handle?.close().catch(() => undefined);
      await rm(this.writePath, { force: true });
      return;
    }
    await handle?.truncate(this.#committed).catch(() => undefined);
    await handle?.close().catch(() => undefined);
  }

  async #write(): Promise<void> {
    if (this.#pending.length === 0) return;
    this.#dirty = true;
    this.#length += await writeFully(this.#handle!, this.writePath, this.#pending.take());
  }
}

/**
 * Rewrites the file keeping one row per primary key: the one with the greatest cursor, the later one on a tie.
 * Memory grows with the number of distinct keys, not with the file.
 */
async function dedupe(path: string, configured: ConfiguredAirbyteStream): Promise<void> {
  const primaryKey = configured.primary_key ?? configured.stream.source_defined_primary_key ?? [];
  if (primaryKey.length === 0) return;
  const cursorPath = configured.cursor_field ?? configured.stream.default_cursor_field ?? [];
  const latest = new Map<string, { line: string; cursor: unknown }>();
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '') continue;
    let data: Record<string, unknown>;
    try {
      data = (parseExact(line) as { _airbyte_data: Record<string, unknown> })._airbyte_data;
    } catch {
      // Only the last line written before a crash can be torn, and it was never committed: drop it.
      continue;
    }
    // Keys and cursors are read without losing digits: two ids beyond 2^53 stay two keys.
    const key = stringifyExact(primaryKey.map((keyPath) => valueAtPath(data, keyPath)));
    const cursor = cursorPath.length > 0 ? valueAtPath(data, cursorPath) : undefined;
    const previous = latest.get(key);
    if (!previous || compareCursors(cursor, previous.cursor) >= 0) {
      // Re-inserting keeps the file ordered by when each key was last written.
      latest.delete(key);
      latest.set(key, { line, cursor });
    }
  }
  await rewriteFile(path, function* () {
    for (const { line } of latest.values()) yield `${line}\n`;
  });
}
