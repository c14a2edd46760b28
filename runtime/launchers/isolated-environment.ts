// Owns the environment a connector process gets: a minimal, explicit one (PATH, HOME, TMPDIR, locale and time
// zone, and SLUICE_CALLER_DIR) plus what the user passes for that connector, never Sluice's own variables or
// another connector's secrets.
import { dirname } from 'node:path';

const INHERITED = ['HOME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ'] as const;

export function isolatedEnvironment(workDir: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  // Node's own directory first, so that `#!/usr/bin/env node` connectors run on the Node running Sluice.
  const path = [dirname(process.execPath), process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin'].join(':');
  env['PATH'] = path;
  for (const name of INHERITED) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  env['LANG'] ??= 'C.UTF-8';
  env['TMPDIR'] = workDir;
  // Where the user ran Sluice: connectors built with the kit resolve relative paths in their config from here.
  env['SLUICE_CALLER_DIR'] = process.cwd();
  return { ...env, ...extra };
}
