// Every SLUICE_* variable the code reads is documented in docs/environment.md: this scans the sources for reads
// (process.env['X'], env['X'], env.X, os.environ.get("X"), and $X or ${X:-…} in shell) and names each one the doc's tables miss.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../support/cli.js';

const SOURCE_DIRS = ['cli', 'control', 'runtime', 'protocol', 'connectors', 'acceptance', 'scripts'];
const SOURCE_FILE = /\.(ts|mts|mjs|js|py|sh)$/;
const READ = /(?:env\[\s*['"]|env\.|environ(?:\.get\(\s*|\[\s*)['"])(SLUICE_[A-Z0-9_]+)/g;
/** In a shell script: `$X` or `${X…}` (in JS, `${X}` is a template literal's own constant). */
const SHELL_READ = /\$\{?(SLUICE_[A-Z0-9_]+)/g;

/** The SLUICE_* variables `source` reads. */
function sluiceReads(source: string, shell = false): string[] {
  return [...source.matchAll(shell ? SHELL_READ : READ)].map((match) => match[1]!);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return SOURCE_FILE.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Where each SLUICE_* variable is read, by name. */
function readsInCode(): Map<string, string[]> {
  const reads = new Map<string, string[]>();
  for (const dir of SOURCE_DIRS) {
    for (const file of sourceFiles(join(repoRoot, dir))) {
      for (const name of sluiceReads(readFileSync(file, 'utf8'), file.endsWith('.sh'))) reads.set(name, [...(reads.get(name) ?? []), relative(repoRoot, file)]);
    }
  }
  return reads;
}

/** The variables named in the first column of the doc's tables. */
function documented(): Set<string> {
  const doc = readFileSync(join(repoRoot, 'docs/environment.md'), 'utf8');
  return new Set([...doc.matchAll(/^\| `([A-Z0-9_]+)`/gm)].map((match) => match[1]!));
}

describe('docs/environment.md', () => {
  it('the scanner finds the ways the code reads a variable', () => {
    expect(sluiceReads(`process.env['SLUICE_A'] env["SLUICE_B"] process.env.SLUICE_C os.environ.get("SLUICE_D") const SLUICE_TARGET = 1; \`\${SLUICE_TARGET}\``)).toEqual(['SLUICE_A', 'SLUICE_B', 'SLUICE_C', 'SLUICE_D']);
    expect(sluiceReads('A=${SLUICE_E:-x}; [ "$SLUICE_F" = 1 ]', true)).toEqual(['SLUICE_E', 'SLUICE_F']);
  });

  it('lists every SLUICE_* variable the code reads', () => {
    const reads = readsInCode();
    // The scan sees the variables that are known to be read: it is not vacuous.
    expect([...reads.keys()]).toEqual(expect.arrayContaining(['SLUICE_HOME', 'SLUICE_DATABASE_URL', 'SLUICE_SECRET_KEY', 'SLUICE_HEARTBEAT_MS', 'SLUICE_CALLER_DIR']));
    const listed = documented();
    const missing = [...reads].filter(([name]) => !listed.has(name)).map(([name, files]) => `${name} (read in ${[...new Set(files)].join(', ')})`);
    expect(missing).toEqual([]);
  });

  it('is linked from the README', () => {
    expect(readFileSync(join(repoRoot, 'README.md'), 'utf8')).toContain('docs/environment.md');
  });
});
