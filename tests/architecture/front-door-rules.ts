// Owns the "one front door" rule and its scanner: the CLI (cli/) and the REST API (control/api/) reach the
// workspace only through control services. From control/store/ they may import open-store.js (to open a store,
// and its Store type) and records.js (the record types and their vocabularies: no repository, no database); and
// they never call a repository of the store (`store.jobs.…`, `store.tokens.…`) themselves. Used by
// front-door.unit.test.ts.
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { layeredFiles, repoRoot, scanImports } from './layer-rules.js';

/** The folders that are front ends: they call services, never the store's repositories. */
const FRONT_ENDS = ['cli/', 'control/api/'];

/** What a front end may import from control/store/. */
const STORE_MODULES_ALLOWED = ['control/store/open-store.js', 'control/store/records.js'];

export interface FrontDoorViolation {
  file: string;
  line: number;
  what: string;
}

/** The repositories a Store holds, read from its class (`readonly jobs: JobRepo;`), so a new one is covered too. */
export function storeRepositories(openStoreSource: string): string[] {
  return [...openStoreSource.matchAll(/^\s*readonly (\w+): \w+Repo;/gm)].map((match) => match[1]!);
}

export function isFrontEnd(file: string): boolean {
  return FRONT_ENDS.some((folder) => file.startsWith(folder));
}

/** The violations in one front-end file, given its repository-relative path and its text. */
export function checkFrontEnd(file: string, source: string, repositories: readonly string[]): FrontDoorViolation[] {
  if (!isFrontEnd(file)) return [];
  const violations: FrontDoorViolation[] = [];
  for (const { specifier, line } of scanImports(source)) {
    if (!specifier.startsWith('.')) continue;
    const target = posix.normalize(posix.join(posix.dirname(file), specifier));
    if (target.startsWith('control/store/') && !STORE_MODULES_ALLOWED.includes(target)) {
      violations.push({ file, line, what: `imports ${target}; call a control service instead` });
    }
  }
  const call = new RegExp(`\\bstore\\.(${repositories.join('|')})\\b`, 'g');
  source.split('\n').forEach((text, index) => {
    for (const match of text.matchAll(call)) {
      violations.push({ file, line: index + 1, what: `calls the ${match[1]} repository (${match[0]}); call a control service instead` });
    }
  });
  return violations;
}

/** The violations of the whole tree at `root`. */
export function checkFrontDoor(root: string = repoRoot): FrontDoorViolation[] {
  const repositories = storeRepositories(readFileSync(join(root, 'control/store/open-store.ts'), 'utf8'));
  return layeredFiles(root).flatMap((file) => checkFrontEnd(file, readFileSync(join(root, file), 'utf8'), repositories));
}

export function describeFrontDoorViolation(v: FrontDoorViolation): string {
  return `${v.file}:${v.line} ${v.what}`;
}
