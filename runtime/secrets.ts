// Owns keeping secrets out of everything Sluice prints: the spec's `airbyte_secret` fields are found once,
// configs are masked by path, and free text (connector logs, error messages) has every secret value replaced.

export const MASK = '**********';

type Schema = Record<string, unknown>;

/** The paths (as key lists) of every field marked `airbyte_secret` in a connection specification. */
export function secretPaths(connectionSpecification: unknown): string[][] {
  const paths: string[][] = [];
  collect(connectionSpecification, [], paths);
  return paths;
}

function collect(schema: unknown, path: string[], out: string[][]): void {
  if (!isObject(schema)) return;
  if (schema['airbyte_secret'] === true) out.push(path);
  const properties = schema['properties'];
  if (isObject(properties)) {
    for (const [key, child] of Object.entries(properties)) collect(child, [...path, key], out);
  }
  // Variants of oneOf/anyOf describe the same object: their secret fields sit at the same level.
  for (const keyword of ['oneOf', 'anyOf', 'allOf']) {
    const variants = schema[keyword];
    if (Array.isArray(variants)) for (const variant of variants) collect(variant, path, out);
  }
  const items = schema['items'];
  if (isObject(items)) collect(items, [...path, '*'], out);
}

/** A copy of `config` with every secret field replaced by the mask. */
export function maskConfig(config: unknown, paths: string[][]): unknown {
  const copy = structuredClone(config);
  for (const path of paths) visit(copy, path, (holder, key) => {
    if (holder[key] !== undefined && holder[key] !== null) holder[key] = MASK;
  });
  return copy;
}

/** The secret values present in `config`, as strings. */
export function secretValues(config: unknown, paths: string[][]): string[] {
  const values: string[] = [];
  for (const path of paths) visit(config, path, (holder, key) => {
    const value = holder[key];
    if (typeof value === 'string' || typeof value === 'number') values.push(String(value));
  });
  return values;
}

// Shorter values would mask unrelated text everywhere; such secrets are still masked by path in configs.
const MIN_REDACTED_LENGTH = 4;
// An encoded form shorter than this (a base64 run of a short secret) would match random text too often.
const MIN_ENCODED_LENGTH = 6;

export type Redactor = (text: string) => string;

export const noRedaction: Redactor = (text) => text;

/**
 * The forms in which `secret` commonly appears in printed text: raw, JSON-string escaped, percent-encoded (as in a
 * connection URL, either hex case), form-encoded (`+` for spaces), and base64 (standard and URL-safe) as it appears
 * inside a longer base64 text (`Basic base64(user:password)`): for each of the 3 byte alignments, the run of base64
 * characters that depends only on the secret's bytes.
 */
export function secretForms(secret: string): string[] {
  if (secret.length < MIN_REDACTED_LENGTH) return [];
  const forms = new Set<string>([secret, JSON.stringify(secret).slice(1, -1)]);
  const encoded = new Set<string>();
  const percent = encodeURIComponent(secret);
  encoded.add(percent);
  encoded.add(percent.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()));
  encoded.add(percent.replace(/%20/g, '+'));
  encoded.add(new URLSearchParams({ s: secret }).toString().slice(2));
  const bytes = Buffer.from(secret, 'utf8');
  for (let align = 0; align < 3; align++) {
    const base64 = Buffer.concat([Buffer.alloc(align), bytes]).toString('base64');
    // Character i covers bits [6i, 6i+6); the secret's bytes cover bits [8·align, 8·(align+n)).
    const run = base64.slice(Math.ceil((8 * align) / 6), Math.floor((8 * (align + bytes.length)) / 6));
    encoded.add(run);
    encoded.add(run.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  for (const form of encoded) if (form.length >= MIN_ENCODED_LENGTH) forms.add(form);
  return [...forms];
}

/** A function that replaces, in one pass, every occurrence of each secret in any of its `secretForms` in a text. */
export function createRedactor(secrets: Iterable<string>): Redactor {
  const forms = new Set<string>();
  for (const secret of secrets) for (const form of secretForms(secret)) forms.add(form);
  if (forms.size === 0) return noRedaction;
  const pattern = new RegExp(
    [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'),
    'g',
  );
  return (text) => text.replace(pattern, MASK);
}

/**
 * A set of secrets that can grow while it is in use (a connector rotating a token with a CONTROL message): `redact`
 * is one stable function that always masks the whole current set, so whoever holds it masks new secrets too.
 */
export class SecretMask {
  readonly #secrets = new Set<string>();
  #current: Redactor = noRedaction;
  readonly redact: Redactor = (text) => this.#current(text);

  constructor(secrets: Iterable<string> = []) {
    this.add(secrets);
  }

  /** Adds secrets; returns whether any was new. */
  add(secrets: Iterable<string>): boolean {
    const before = this.#secrets.size;
    for (const secret of secrets) this.#secrets.add(secret);
    if (this.#secrets.size === before) return false;
    this.#current = createRedactor(this.#secrets);
    return true;
  }
}

/** Combines redactors, e.g. the source's and the destination's. */
export function combineRedactors(...redactors: Redactor[]): Redactor {
  const active = redactors.filter((redactor) => redactor !== noRedaction);
  if (active.length === 0) return noRedaction;
  return (text) => active.reduce((current, redact) => redact(current), text);
}

function visit(value: unknown, path: string[], act: (holder: Record<string, unknown>, key: string) => void): void {
  if (path.length === 0 || !isObject(value) && !Array.isArray(value)) return;
  const [head, ...rest] = path as [string, ...string[]];
  if (head === '*') {
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        if (rest.length === 0) act(value as unknown as Record<string, unknown>, String(index));
        else visit(item, rest, act);
      });
    }
    return;
  }
  if (!isObject(value)) return;
  if (rest.length === 0) act(value, head);
  else visit(value[head], rest, act);
}

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
