// Owns finding the key that encrypts secrets at rest: SLUICE_SECRET_KEY (32 bytes as base64 or 64 hex digits),
// else the workspace's key file, generated on first use with owner-only permissions (0600). A key file that
// others can read is refused rather than used. A database shared by several hosts (PostgreSQL) needs the same key
// on each: there the variable is required, and no key file is ever generated.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { SluiceError } from '../../runtime/errors.js';

export const KEY_FILE = 'secret.key';

export function loadSecretKey(workspace: string, env: NodeJS.ProcessEnv = process.env, options: { shared?: boolean } = {}): Buffer {
  const fromEnv = env['SLUICE_SECRET_KEY'];
  if (fromEnv !== undefined && fromEnv !== '') return parseKey(fromEnv, 'SLUICE_SECRET_KEY');
  const path = join(workspace, KEY_FILE);
  if (options.shared) throw missingSharedKey(path);
  if (!existsSync(path)) {
    try {
      writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new SluiceError('file.write_failed', `cannot create the secret key file ${path}: ${(error as Error).message}`, { cause: error });
      }
    }
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new SluiceError('secret.key_invalid', `the secret key file ${path} can be read by others (mode ${mode.toString(8)})`, {
      hint: `chmod 600 ${path}`,
    });
  }
  return parseKey(readFileSync(path, 'utf8').trim(), path);
}

function missingSharedKey(keyFile: string): SluiceError {
  // A workspace from before the variable was required may hold the key its secrets were stored with.
  const existing = existsSync(keyFile) ? `; this workspace's key file ${keyFile} holds the key used so far: export SLUICE_SECRET_KEY=$(cat ${keyFile})` : '';
  return new SluiceError('secret.key_missing', 'SLUICE_DATABASE_URL is set but SLUICE_SECRET_KEY is not: every host sharing the database must encrypt and decrypt secrets with the same key', {
    hint: `make one with: openssl rand -base64 32, and set SLUICE_SECRET_KEY to it wherever Sluice uses this database${existing}`,
  });
}

function parseKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new SluiceError('secret.key_invalid', `${where}: expected 32 bytes as base64 or 64 hex digits, got ${key.length} bytes`, {
      hint: 'make one with: openssl rand -base64 32',
    });
  }
  return key;
}
