// Makes the compiled entry points executable after `tsc` (tsc does not keep file modes).
import { chmodSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const entries = ['dist/cli/main.js'];
const connectorsDir = 'dist/connectors';
if (existsSync(connectorsDir)) {
  for (const name of readdirSync(connectorsDir)) {
    const main = join(connectorsDir, name, 'main.js');
    if (existsSync(main)) entries.push(main);
  }
}
for (const entry of entries) if (existsSync(entry)) chmodSync(entry, 0o755);
