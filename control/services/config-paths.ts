// Owns making the file paths in a stored source's or destination's config absolute. A connector declares a
// config field to be a local path with `format: "path"` on its spec property (the built-ins do, for
// destination_path, database_path and path). When a source or destination is created, updated or applied, a
// relative value there is resolved once, against the directory of the user (or of the apply file), and the
// absolute path is stored: a later sync finds the same file from any directory. URLs (`https://…`), absolute
// paths and `~` are left alone, and so are Docker connectors, whose paths mean the container's file system.
import { isAbsolute, resolve } from 'node:path';
import { DOCKER_PREFIX } from '../../runtime/connector-ref.js';
import { mapSecrets } from '../store/secret-fields.js';

/** The config paths (`*` for array items) of the spec's properties with `format: "path"`. */
export function pathFields(connectionSpecification: unknown): string[][] {
  const found: string[][] = [];
  collect(connectionSpecification, [], found);
  return found;
}

/** A copy of `config` with each relative path at `fields` made absolute against `baseDir`. */
export function resolveConfigPaths(config: unknown, fields: string[][], baseDir: string): unknown {
  if (fields.length === 0) return config;
  return mapSecrets(config, fields, (value) => (typeof value === 'string' && isRelativePath(value) ? resolve(baseDir, value) : value));
}

/** Whether a connector reference runs on this machine, where a path in its config is one of ours. */
export function resolvesLocalPaths(connector: string): boolean {
  return !connector.startsWith(DOCKER_PREFIX);
}

function isRelativePath(value: string): boolean {
  return value !== '' && !isAbsolute(value) && !value.startsWith('~') && !/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value);
}

function collect(schema: unknown, path: string[], out: string[][]): void {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return;
  const node = schema as Record<string, unknown>;
  if (node['format'] === 'path') out.push(path);
  const properties = node['properties'];
  if (typeof properties === 'object' && properties !== null) {
    for (const [key, child] of Object.entries(properties)) collect(child, [...path, key], out);
  }
  for (const keyword of ['oneOf', 'anyOf', 'allOf']) {
    const variants = node[keyword];
    if (Array.isArray(variants)) for (const variant of variants) collect(variant, path, out);
  }
  collect(node['items'], [...path, '*'], out);
}
