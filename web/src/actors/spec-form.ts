// Owns turning a connector's spec (JSON Schema with Airbyte's keywords) into what the config form needs: the
// uiSchema (field order from `order`, password inputs for `airbyte_secret`, hidden fields, oneOf variants), and the
// round trip of stored secrets. The API masks stored secrets as MASK; the form shows them empty with a placeholder,
// and an untouched one is sent back as MASK so the server keeps the stored value. Pure: no React, runs in node.
export type JsonSchema = Record<string, unknown>;
export type UiSchema = Record<string, unknown>;
/** A field's place in the config, as keys; '*' stands for every item of an array. */
export type FieldPath = string[];

/** What the API puts in place of a stored secret (runtime/secrets.ts MASK on the server). */
export const MASK = '**********';
export const STORED_SECRET_PLACEHOLDER = 'stored — leave empty to keep';

const VARIANT_KEYWORDS = ['oneOf', 'anyOf'] as const;

/** The uiSchema for a connection specification; `storedSecrets` are the secret fields that already hold a value. */
export function uiSchemaFor(schema: unknown, storedSecrets: FieldPath[] = []): UiSchema {
  const stored = new Set(storedSecrets.map(pathKey));
  return nodeUi(schema, [], stored, false);
}

// `ofVariant`: the node is a property of a oneOf/anyOf variant, where the field telling variants apart lives.
function nodeUi(schema: unknown, path: FieldPath, stored: Set<string>, ofVariant: boolean, isVariant = false): UiSchema {
  if (!isObject(schema)) return {};
  const ui: UiSchema = {};
  if (schema['airbyte_hidden'] === true) ui['ui:widget'] = 'hidden';
  else if (schema['airbyte_secret'] === true) {
    ui['ui:widget'] = schema['multiline'] === true ? 'secretTextarea' : 'password';
    ui['ui:autocomplete'] = 'new-password';
    if (stored.has(pathKey(path))) ui['ui:placeholder'] = STORED_SECRET_PLACEHOLDER;
  } else if (schema['multiline'] === true) ui['ui:widget'] = 'textarea';
  else if (ofVariant && isDiscriminator(schema)) ui['ui:widget'] = 'hidden';
  // A variant's title is what its selector shows: repeated as a heading over its fields it only adds noise.
  if (isVariant) ui['ui:label'] = false;

  const properties = schema['properties'];
  if (isObject(properties)) {
    const keys = Object.keys(properties);
    if (keys.length > 0) ui['ui:order'] = [...orderedKeys(properties), '*'];
    for (const key of keys) {
      const child = nodeUi(properties[key], [...path, key], stored, isVariant);
      const property = properties[key];
      if (isObject(property) && typeof property['title'] !== 'string') child['ui:title'] = titleFromKey(key);
      if (Object.keys(child).length > 0) ui[key] = child;
    }
  }
  // Each variant describes the same object, so its fields sit at the same path; RJSF takes one uiSchema per variant.
  for (const keyword of VARIANT_KEYWORDS) {
    const variants = schema[keyword];
    if (Array.isArray(variants)) ui[keyword] = variants.map((variant) => nodeUi(variant, path, stored, false, true));
  }
  const items = schema['items'];
  if (isObject(items)) {
    const child = nodeUi(items, [...path, '*'], stored, false);
    if (Object.keys(child).length > 0) ui['items'] = child;
  }
  return ui;
}

/** Property names sorted by Airbyte's `order`; fields without one keep their place after the ordered ones. */
export function orderedKeys(properties: Record<string, unknown>): string[] {
  const keys = Object.keys(properties);
  const orderOf = (key: string): number => {
    const value = (properties[key] as JsonSchema | undefined)?.['order'];
    return typeof value === 'number' ? value : Number.POSITIVE_INFINITY;
  };
  return keys
    .map((key, index) => ({ key, index, order: orderOf(key) }))
    .sort((a, b) => a.order - b.order || a.index - b.index)
    .map((entry) => entry.key);
}

/** The label of a field whose spec gives no title: "destination_path" reads "Destination path". */
export function titleFromKey(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// The field telling oneOf variants apart (`"const": "CDC"` or a one-value enum) is chosen by the variant selector.
function isDiscriminator(schema: JsonSchema): boolean {
  if ('const' in schema) return true;
  const values = schema['enum'];
  return Array.isArray(values) && values.length === 1;
}

/**
 * The paths of every `airbyte_secret` field, found the way the server finds them (runtime/secrets.ts). Given `data`,
 * only the oneOf/anyOf variants that data selects (by their discriminator values) are looked into.
 */
export function secretPaths(schema: unknown, path: FieldPath = [], out: FieldPath[] = [], data?: unknown): FieldPath[] {
  if (!isObject(schema)) return out;
  if (schema['airbyte_secret'] === true) out.push(path);
  const properties = schema['properties'];
  const at = (key: string): unknown => (isObject(data) ? data[key] : undefined);
  if (isObject(properties)) for (const [key, child] of Object.entries(properties)) secretPaths(child, [...path, key], out, at(key));
  for (const keyword of [...VARIANT_KEYWORDS, 'allOf']) {
    const variants = schema[keyword];
    if (!Array.isArray(variants)) continue;
    for (const variant of variants) {
      if (data === undefined || keyword === 'allOf' || selects(data, variant)) secretPaths(variant, path, out, data);
    }
  }
  const items = schema['items'];
  if (isObject(items)) secretPaths(items, [...path, '*'], out);
  return out;
}

// Data selects a variant when it agrees with every discriminator the variant declares.
function selects(data: unknown, variant: unknown): boolean {
  const properties = isObject(variant) ? variant['properties'] : undefined;
  if (!isObject(properties)) return true;
  return Object.entries(properties).every(([key, property]) => {
    if (!isObject(property) || !isDiscriminator(property)) return true;
    const expected = 'const' in property ? property['const'] : (property['enum'] as unknown[])[0];
    return !isObject(data) || data[key] === undefined || data[key] === expected;
  });
}

/**
 * The stored config as the form shows it: masked secrets removed (their inputs start empty), and the paths of
 * those secrets. Secrets inside arrays keep their mask as the value: an item cannot be left out without moving the
 * others, and sending the mask back keeps the stored value just the same.
 */
export function takeStoredSecrets(config: unknown, schema: unknown): { formData: Record<string, unknown>; stored: FieldPath[] } {
  const formData = isObject(config) ? structuredClone(config) : {};
  const stored: FieldPath[] = [];
  const seen = new Set<string>();
  for (const path of secretPaths(schema)) {
    if (path.includes('*') || seen.has(pathKey(path))) continue;
    const holder = holderOf(formData, path);
    const key = path[path.length - 1]!;
    if (holder && holder[key] === MASK) {
      delete holder[key];
      stored.push(path);
      seen.add(pathKey(path));
    }
  }
  return { formData, stored };
}

/**
 * The config to send: every stored secret the user left empty goes back as the mask, so the server keeps it; but
 * only where the config still has that field (a secret of a oneOf variant the user switched away from is dropped).
 */
export function restoreStoredSecrets(formData: unknown, stored: FieldPath[], schema: unknown): Record<string, unknown> {
  const config = isObject(formData) ? structuredClone(formData) : {};
  const present = new Set(secretPaths(schema, [], [], config).map(pathKey));
  for (const path of stored) {
    if (!present.has(pathKey(path))) continue;
    const holder = holderOf(config, path);
    const key = path[path.length - 1]!;
    // The object holding the secret may be gone (another oneOf variant was chosen): then there is nothing to keep.
    if (holder && (holder[key] === undefined || holder[key] === '')) holder[key] = MASK;
  }
  return config;
}

/**
 * The schema the form validates against: stored secrets no longer required (an empty input there means "keep the
 * stored value"), and without `$schema`, whose draft the form's validator may not know.
 */
export function formSchemaFor(schema: unknown, stored: FieldPath[] = []): JsonSchema {
  const copy = isObject(schema) ? structuredClone(schema) : {};
  delete copy['$schema'];
  const keys = new Set(stored.map(pathKey));
  relax(copy, [], keys);
  return copy;
}

function relax(schema: JsonSchema, path: FieldPath, stored: Set<string>): void {
  const required = schema['required'];
  if (Array.isArray(required)) schema['required'] = required.filter((key) => !stored.has(pathKey([...path, String(key)])));
  const properties = schema['properties'];
  if (isObject(properties)) {
    for (const [key, child] of Object.entries(properties)) if (isObject(child)) relax(child, [...path, key], stored);
  }
  for (const keyword of [...VARIANT_KEYWORDS, 'allOf']) {
    const variants = schema[keyword];
    if (Array.isArray(variants)) for (const variant of variants) if (isObject(variant)) relax(variant, path, stored);
  }
}

function holderOf(root: Record<string, unknown>, path: FieldPath): Record<string, unknown> | undefined {
  let node: unknown = root;
  for (const key of path.slice(0, -1)) {
    if (!isObject(node)) return undefined;
    node = node[key];
  }
  return isObject(node) ? node : undefined;
}

const pathKey = (path: FieldPath): string => JSON.stringify(path);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
