// Owns the spec cache: a connector's SPEC kept on disk so that a sync does not start the connector only to ask for
// a spec that cannot have changed. An entry is keyed by the connector's identity (its launcher says what that is:
// the executable's and entry point's path, size and modification time, or a Docker image's Id) and the variables
// the user passes it; a rebuilt or replaced connector has a new identity, so its old entry is never read again.
// Beside the specs it keeps the stamps (protocol/config-stamp.ts) of configs that passed validation against a
// spec, for this build of Sluice and of ajv: the same config against the same spec passes again, so a repeated
// sync need not load the validator. A rebuilt Sluice or another ajv starts from none.
// The cache is an optimisation only: an entry that cannot be read or written is a miss, never a failure.
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConnectorSpecification } from '../protocol/types.generated.js';

/** Bumped when the entry format changes: older entries are then simply not found. */
const FORMAT = 'spec-cache-v1';

export interface SpecCache {
  get(identity: string): Promise<ConnectorSpecification | undefined>;
  put(identity: string, spec: ConnectorSpecification): Promise<void>;
  /** Whether a config with this stamp passed validation before, under this build of Sluice and of ajv. */
  wasValidated(stamp: string): Promise<boolean>;
  rememberValidated(stamp: string): Promise<void>;
}

/** `$XDG_CACHE_HOME/sluice/specs`, else `~/.cache/sluice/specs`. */
export function defaultSpecCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(base, 'sluice', 'specs');
}

/** One JSON file per identity, named by its hash, holding the identity (checked on read) and the spec. */
export class FileSpecCache implements SpecCache {
  constructor(readonly dir: string = defaultSpecCacheDir()) {}

  async get(identity: string): Promise<ConnectorSpecification | undefined> {
    try {
      const entry = JSON.parse(await readFile(this.#path(identity), 'utf8')) as { identity?: unknown; spec?: unknown };
      if (entry.identity !== identity || !isSpec(entry.spec)) return undefined;
      return entry.spec;
    } catch {
      return undefined;
    }
  }

  async put(identity: string, spec: ConnectorSpecification): Promise<void> {
    const path = this.#path(identity);
    // Written beside and renamed over, so that two syncs starting together never read half an entry.
    const temporary = `${path}.${process.pid}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeFile(temporary, JSON.stringify({ identity, spec }), { mode: 0o600 });
      await rename(temporary, path);
    } catch {
      // A read-only or full disk costs the next sync a spec run, nothing more; a half-written entry is not kept.
      await rm(temporary, { force: true }).catch(() => undefined);
    }
  }

  async wasValidated(stamp: string): Promise<boolean> {
    try {
      await access(await this.#validatedPath(stamp));
      return true;
    } catch {
      return false;
    }
  }

  async rememberValidated(stamp: string): Promise<void> {
    try {
      const path = await this.#validatedPath(stamp);
      await mkdir(join(this.dir, 'validated'), { recursive: true, mode: 0o700 });
      await writeFile(path, '', { mode: 0o600 });
    } catch {
      // As for a spec: the next sync validates again.
    }
  }

  async #validatedPath(stamp: string): Promise<string> {
    validatorBuild ??= validatorBuildOf();
    const key = createHash('sha256').update(`${FORMAT}\nvalidated\n${await validatorBuild}\n${stamp}`).digest('hex');
    return join(this.dir, 'validated', key);
  }

  #path(identity: string): string {
    return join(this.dir, `${createHash('sha256').update(`${FORMAT}\n${identity}`).digest('hex')}.json`);
  }
}

let validatorBuild: Promise<string> | undefined;

/** This build of Sluice (the modification time of this module, rewritten by every build) and ajv's version. */
async function validatorBuildOf(): Promise<string> {
  const own = await stat(fileURLToPath(import.meta.url));
  const ajv = createRequire(import.meta.url)('ajv/package.json') as { version: string };
  return JSON.stringify([own.mtimeMs, own.size, ajv.version]);
}

function isSpec(value: unknown): value is ConnectorSpecification {
  return typeof value === 'object' && value !== null && typeof (value as { connectionSpecification?: unknown }).connectionSpecification === 'object';
}
