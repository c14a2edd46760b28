// Owns the spec cache: a connector's SPEC kept on disk so that a sync does not start the connector only to ask for
// a spec that cannot have changed. An entry is keyed by the connector's identity (its launcher says what that is:
// the executable's and entry point's path, size and modification time, or a Docker image's Id) and the variables
// the user passes it; a rebuilt or replaced connector has a new identity, so its old entry is never read again.
// The cache is an optimisation only: an entry that cannot be read or written is a miss, never a failure.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ConnectorSpecification } from '../protocol/types.generated.js';

/** Bumped when the entry format changes: older entries are then simply not found. */
const FORMAT = 'spec-cache-v1';

export interface SpecCache {
  get(identity: string): Promise<ConnectorSpecification | undefined>;
  put(identity: string, spec: ConnectorSpecification): Promise<void>;
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
      // A read-only or full disk costs the next sync a spec run, nothing more.
    }
  }

  #path(identity: string): string {
    return join(this.dir, `${createHash('sha256').update(`${FORMAT}\n${identity}`).digest('hex')}.json`);
  }
}

function isSpec(value: unknown): value is ConnectorSpecification {
  return typeof value === 'object' && value !== null && typeof (value as { connectionSpecification?: unknown }).connectionSpecification === 'object';
}
