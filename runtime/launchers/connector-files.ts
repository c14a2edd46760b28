// Owns writing the JSON documents a local connector reads (config, catalog, state) into its working directory,
// readable by the owner only. The directory is removed with them when the connector exits.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConnectorFiles } from './launcher.js';

export async function writeConnectorFiles(
  dir: string,
  files: ConnectorFiles,
): Promise<{ config?: string; catalog?: string; state?: string }> {
  const paths: { config?: string; catalog?: string; state?: string } = {};
  for (const role of ['config', 'catalog', 'state'] as const) {
    const content = files[role];
    if (content === undefined) continue;
    const path = join(dir, `${role}.json`);
    await writeFile(path, JSON.stringify(content), { mode: 0o600 });
    paths[role] = path;
  }
  return paths;
}
