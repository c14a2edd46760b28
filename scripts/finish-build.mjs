// Finishes the build after `tsc`: makes the compiled entry points executable (tsc does not keep file modes): the CLI
// and every connector's main.js; and copies the connectors written in Python (connectors/**/*.py, which tsc does
// not see) into dist/connectors at the same relative paths, executable too.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const entries = ['dist/cli/main.js'];
function collect(dir, matches, found) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) collect(path, matches, found);
    else if (matches(entry.name)) found.push(path);
  }
  return found;
}
if (existsSync('dist/connectors')) collect('dist/connectors', (name) => name === 'main.js', entries);
for (const source of collect('connectors', (name) => name.endsWith('.py'), [])) {
  const target = join('dist', 'connectors', relative('connectors', source));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(source, target);
  entries.push(target);
}
for (const entry of entries) if (existsSync(entry)) chmodSync(entry, 0o755);
