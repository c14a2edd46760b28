// Owns reading the JSON documents a user hands Sluice (config, catalog, state) and writing them back atomically.
// Every error names the file and what it was for. A state file keeps every digit of its numbers (exact-json.ts).
import { mkdir, readFile, rename, open, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { SluiceError } from './errors.js';
import { JsonTooDeepError, parseExactJson, stringifyExactJson } from '../protocol/exact-json.js';

/** What the file is for, used in messages: "config file", "catalog file"... */
export type FileRole = 'config' | 'catalog' | 'state' | 'input';

export async function readJsonFile(path: string, role: FileRole): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new SluiceError('file.not_found', `${role} file ${path} does not exist`, { cause: error });
    }
    throw new SluiceError('file.unreadable', `${role} file ${path} cannot be read (${code ?? String(error)})`, {
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SluiceError('file.invalid_json', `${role} file ${path} is not valid JSON: ${jsonErrorWhere(text, error)}`, {
      cause: error,
    });
  }
  if (role !== 'state') return value;
  try {
    return parseExactJson(text);
  } catch (error) {
    if (error instanceof JsonTooDeepError) throw new SluiceError('state.invalid', `state file ${path} is ${error.message}`, { cause: error });
    throw error;
  }
}

/** Turns V8's "Unexpected token } in JSON at position 42" into "line 3, column 7: Unexpected token }". */
function jsonErrorWhere(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const match = /position (\d+)/.exec(message);
  if (!match) return message;
  const position = Number(match[1]);
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `line ${line}, column ${column}: ${message.replace(/ in JSON at position \d+.*$/, '')}`;
}

/**
 * Replaces `path` with `value` as JSON so that a reader (or a crash at any moment) sees either the old file or
 * the new one, never a torn one: write a temporary file beside it, flush it to disk, rename it over.
 */
export async function writeJsonFileAtomic(path: string, value: unknown, mode = 0o600): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(temporary, 'w', mode);
    try {
      await handle.writeFile(`${stringifyExactJson(value, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw new SluiceError('file.write_failed', `cannot write ${path}: ${(error as Error).message}`, { cause: error });
  }
}
