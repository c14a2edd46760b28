// Owns reading a configured catalog file and checking it against the protocol before any connector sees it.
import { formatIssues, validateDefinition } from '../protocol/validators.js';
import type { ConfiguredAirbyteCatalog } from '../protocol/types.generated.js';
import { SluiceError } from './errors.js';
import { readJsonFile } from './json-files.js';

export async function readCatalogFile(path: string): Promise<ConfiguredAirbyteCatalog> {
  const catalog = await readJsonFile(path, 'catalog');
  const issues = validateDefinition('ConfiguredAirbyteCatalog', catalog);
  if (issues.length > 0) throw new SluiceError('catalog.invalid', formatIssues(issues, path));
  return catalog as ConfiguredAirbyteCatalog;
}
