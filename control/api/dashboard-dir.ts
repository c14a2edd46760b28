// Owns where the dashboard's files are: web/static/ of the Sluice install, found by walking up from this module
// (control/api/ in the sources, dist/control/api/ when built); `sluice serve --dashboard-dir` names another.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DASHBOARD = join('web', 'static');

export function defaultDashboardDir(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; ) {
    if (existsSync(join(dir, DASHBOARD, 'index.html'))) return join(dir, DASHBOARD);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find ${DASHBOARD}/index.html in ${start} or any directory above it`);
    dir = parent;
  }
}
