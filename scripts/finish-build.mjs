// Makes the compiled entry points executable after `tsc` (tsc does not keep file modes): the CLI and every
// connector's main.js.
import { chmodSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const entries = ['dist/cli/main.js'];
function collect(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) collect(path);
    else if (entry.name === 'main.js') entries.push(path);
  }
}
if (existsSync('dist/connectors')) collect('dist/connectors');
for (const entry of entries) if (existsSync(entry)) chmodSync(entry, 0o755);
