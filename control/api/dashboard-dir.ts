// Owns where the dashboard's files are: dist/web/ of the Sluice install (built from web/ by `npm run build`), found
// by walking up from this module (control/api/ in the sources, dist/control/api/ when built); `sluice serve
// --dashboard-dir` names another. An install without a built dashboard still serves the API.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DASHBOARD = join('dist', 'web');

/** The built dashboard's directory, or undefined when there is none (the dashboard was not built). */
export function defaultDashboardDir(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; ) {
    if (existsSync(join(dir, DASHBOARD, 'index.html'))) return join(dir, DASHBOARD);
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
