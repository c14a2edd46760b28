// Owns reading the file of `sluice sync --mappers FILE`: a connection's mappers (runtime/mappers/types.ts), as JSON
// or YAML, keyed by stream. Its shape is checked by the plan (runtime/mappers/plan.ts) against the catalog; here only
// that the file exists and parses. Messages never quote the file's text: it may hold a salt or an encryption key.
import { readFile } from 'node:fs/promises';
import { SluiceError } from '../runtime/errors.js';
import type { MappersDefinition } from '../runtime/mappers/index.js';

export async function readMappersFile(path: string): Promise<MappersDefinition> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SluiceError('file.not_found', `mappers file ${path} does not exist`, { cause: error });
    throw new SluiceError('file.unreadable', `mappers file ${path} cannot be read (${code ?? String(error)})`, { cause: error });
  }
  // YAML 1.2 reads JSON too. The parser is loaded only here, so a sync without --mappers never loads it.
  const { parse } = await import('yaml');
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    const where = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    throw new SluiceError('mapper.invalid', `mappers file ${path} is not valid JSON or YAML${where ? ` (line ${where.line}, column ${where.col})` : ''}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SluiceError('mapper.invalid', `mappers file ${path} must hold an object keyed by stream, e.g. users: { steps: [...] }`);
  }
  return value as MappersDefinition;
}
