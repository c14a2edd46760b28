// Owns glob patterns for local paths: `*` (any characters but `/`), `?` (one character but `/`) and `**` (any
// number of whole directories), everything else literal. Matches are files, sorted, so a read is repeatable.
// Wildcards match names starting with a dot too.
import { readdir, stat } from 'node:fs/promises';
import { join, posix, resolve } from 'node:path';

export function hasGlob(path: string): boolean {
  return /[*?]/.test(path);
}

/** The regular expression a pattern (relative, `/`-separated) compiles to. */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  const segments = pattern.split('/');
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '**') {
      // Zero or more directories; at the end, any path below.
      source += last ? '.*' : '(?:[^/]+/)*';
      return;
    }
    for (const char of segment) {
      if (char === '*') source += '[^/]*';
      else if (char === '?') source += '[^/]';
      else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    if (!last) source += '/';
  });
  return new RegExp(`^${source}$`);
}

/** The files a pattern matches, as absolute paths in sorted order; a path without wildcards is returned as is. */
export async function expandGlob(pattern: string, cwd = process.cwd()): Promise<string[]> {
  const absolute = resolve(cwd, pattern).split('\\').join('/');
  if (!hasGlob(absolute)) return [absolute];
  const segments = absolute.split('/');
  const firstWild = segments.findIndex(hasGlob);
  const base = segments.slice(0, firstWild).join('/') || '/';
  const rest = segments.slice(firstWild).join('/');
  const matcher = globToRegExp(rest);
  const maxDepth = rest.split('/').includes('**') ? Infinity : segments.length - firstWild;
  const found: string[] = [];
  await walk(base, '', 1, maxDepth, matcher, found);
  return found.sort();
}

async function walk(dir: string, relative: string, depth: number, maxDepth: number, matcher: RegExp, found: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return; // a base directory that does not exist matches nothing
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const rel = relative ? posix.join(relative, entry.name) : entry.name;
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const info = await stat(path).catch(() => undefined);
      // `**` does not follow links to directories, so a link loop cannot make it walk forever.
      isDirectory = (info?.isDirectory() ?? false) && maxDepth !== Infinity;
      isFile = info?.isFile() ?? false;
    }
    if (isFile && matcher.test(rel)) found.push(path);
    else if (isDirectory && depth < maxDepth) await walk(path, rel, depth + 1, maxDepth, matcher, found);
  }
}
