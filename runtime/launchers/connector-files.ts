// Owns writing the JSON documents a local connector reads (config, catalog, state) into its working directory,
// readable by the owner only. The directory is removed with them when the connector exits.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConnectorFiles } from './launcher.js';
import { stringifyExactJson } from '../../protocol/exact-json.js';

export async function writeConnectorFiles(
  dir: string,
  files: ConnectorFiles,
): Promise<{ config?: string; catalog?: string; state?: string }> {
  const paths: { config?: string; catalog?: string; state?: string } = {};
  for (const role of ['config', 'catalog', 'state'] as const) {
    const content = files[role];
    if (content === undefined) continue;
    const path = join(dir, `${role}.json`);
    // The state's numbers keep every digit (protocol/exact-json.ts).
    await writeFile(path, stringifyExactJson(content), { mode: 0o600 });
    paths[role] = path;
  }
  return paths;
}
