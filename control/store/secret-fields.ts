// Owns applying a function to the secret fields of a config, by the spec's `airbyte_secret` paths (as found by
// runtime/secrets.ts): used to encrypt them before a config is stored, decrypt them when it is loaded, and keep
// a stored secret when an update sends the mask back instead of a value.
type Holder = Record<string, unknown>;

/** A copy of `config` where each present, non-null secret value is replaced by `change(value, path)`. */
export function mapSecrets(config: unknown, paths: string[][], change: (value: unknown, path: string) => unknown): unknown {
  const copy = structuredClone(config);
  for (const path of paths) {
    visit(copy, path, [], (holder, key, at) => {
      if (holder[key] !== undefined && holder[key] !== null) holder[key] = change(holder[key], at.join('.'));
    });
  }
  return copy;
}

/** The value at a concrete path (no `*`), or undefined. */
export function valueAt(config: unknown, path: string): unknown {
  let current: unknown = config;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Holder)[key];
  }
  return current;
}

function visit(value: unknown, path: string[], at: string[], act: (holder: Holder, key: string, at: string[]) => void): void {
  if (path.length === 0 || typeof value !== 'object' || value === null) return;
  const [head, ...rest] = path as [string, ...string[]];
  if (head === '*') {
    if (!Array.isArray(value)) return;
    value.forEach((item, index) => {
      if (rest.length === 0) act(value as unknown as Holder, String(index), [...at, String(index)]);
      else visit(item, rest, [...at, String(index)], act);
    });
    return;
  }
  if (Array.isArray(value)) return;
  if (rest.length === 0) act(value as Holder, head, [...at, head]);
  else visit((value as Holder)[head], rest, [...at, head], act);
}
