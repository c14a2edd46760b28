// Owns the layering rules of the source tree and the import scanner that checks them: which top-level folder may
// import which (cli → control → runtime → protocol, connectors → protocol, acceptance → runtime → protocol; web/
// imports no project code: it talks to the API over HTTP; an arrow may skip layers downward, never point upward or
// sideways), the kit importing nothing but protocol/, and the dev-only `vitest` kept out of production code. Used by layers.unit.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The layered folders and what each may import (besides itself). Other folders (tests/, scripts/) are free. */
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  protocol: [],
  runtime: ['protocol'],
  control: ['runtime', 'protocol'],
  acceptance: ['runtime', 'protocol'],
  // `sluice test-connector` runs the acceptance tests, so the CLI sits above acceptance/ as well as control/.
  cli: ['control', 'acceptance', 'runtime', 'protocol'],
  connectors: ['protocol'],
  // The dashboard talks to the API over HTTP only: it imports no project code.
  web: [],
};

/** The connector kit is a library for connector authors: protocol/ is the only project code it may import. */
const KIT = 'connectors/kit/';

/** The engine has no database and no HTTP: these modules belong to control/ (and connectors, which are programs). */
const NOT_IN_ENGINE = [
  'pg', 'better-sqlite3', 'http', 'https', 'node:http', 'node:https', 'http2', 'node:http2',
  'fastify', '@fastify/swagger', '@fastify/static', '@fastify/type-provider-typebox',
];
const ENGINE = ['runtime', 'protocol'];

/** Packages only tests may import (devDependencies); acceptance/ is test support by design. */
const DEV_ONLY: Readonly<Record<string, readonly string[]>> = { vitest: ['acceptance'], '@seriousme/openapi-schema-validator': [] };

export interface ImportRef {
  specifier: string;
  line: number;
}

export interface Violation {
  file: string;
  line: number;
  specifier: string;
  target: string;
}

/** Every module a source imports: static `import … from`, `import '…'`, `export … from`, `import('…')` with a string literal. */
export function scanImports(source: string): ImportRef[] {
  const info = ts.preProcessFile(source, true, true);
  const refs = info.importedFiles.map((ref) => ({
    specifier: ref.fileName,
    line: source.slice(0, ref.pos).split('\n').length,
  }));
  return refs;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The top-level folder a repository-relative path lies in ('' at the root). */
function topFolder(path: string): string {
  return path.includes('/') ? path.slice(0, path.indexOf('/')) : '';
}

/** The violations in one file, given its path relative to the repository root (with `/`) and its text. */
export function checkFile(file: string, source: string): Violation[] {
  const layer = topFolder(file);
  const allowed = ALLOWED[layer];
  if (!allowed) return [];
  const violations: Violation[] = [];
  for (const ref of scanImports(source)) {
    const { specifier, line } = ref;
    if (specifier.startsWith('.')) {
      const target = posix.normalize(posix.join(posix.dirname(file), specifier));
      const targetLayer = topFolder(target);
      const inKit = file.startsWith(KIT);
      const ok = inKit
        ? target.startsWith(KIT) || targetLayer === 'protocol'
        : targetLayer === layer || allowed.includes(targetLayer);
      if (!ok) violations.push({ file, line, specifier, target });
      continue;
    }
    const name = packageName(specifier);
    if (ENGINE.includes(layer) && NOT_IN_ENGINE.includes(name)) {
      violations.push({ file, line, specifier, target: `${name} (a database or HTTP module)` });
      continue;
    }
    if (specifier.startsWith('node:') || builtinModules.includes(name)) continue;
    const owners = DEV_ONLY[name];
    if (owners && !owners.includes(layer)) violations.push({ file, line, specifier, target: `${name} (a dev dependency)` });
  }
  return violations;
}

/** Every .ts and .tsx file under the layered folders of `root`, as repository-relative paths with `/`. */
export function layeredFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name)) found.push(relative(root, path).split(sep).join('/'));
    }
  };
  for (const layer of Object.keys(ALLOWED)) walk(resolve(root, layer));
  return found.sort();
}

/** The violations of the whole tree at `root`. */
export function checkTree(root: string): Violation[] {
  return layeredFiles(root).flatMap((file) => checkFile(file, readFileSync(join(root, file), 'utf8')));
}

export function describeViolation(v: Violation): string {
  return `${v.file}:${v.line} imports '${v.specifier}' (${v.target}), against the layering`;
}

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
