// Owns deciding which fields of a connection specification look like secrets, and finding those that can hold
// a string but are not marked `airbyte_secret: true` (their values would be shown and logged in clear).
import { typesOf } from './json-schema.js';

type Schema = Record<string, unknown>;

/** A field whose name's last word is one of these holds a secret: `password`, `ssh_password`, `client_secret`. */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'jwt',
  'credential',
  'credentials',
]);

/** …or whose last two words are one of these: `api_key`, `secret_access_key`, `privateKey`. */
const SECRET_PAIRS = new Set([
  'api key',
  'access key',
  'secret key',
  'private key',
  'auth key',
  'signing key',
  'encryption key',
  'account key',
  'master key',
  'client key',
  'shared key',
  'app key',
  'application key',
  'consumer key',
  'subscription key',
  'service key',
  'account info',
  'account json',
  'credentials json',
]);

/** Whole names that are secrets although their last word is not: `key`, `service_account`. */
const SECRET_NAMES = new Set(['key', 'service account', 'sas']);

/** Words of a property name: `clientSecret`, `client_secret`, `client-secret` and `Client Secret` are alike. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

export function isSecretLikeName(name: string): boolean {
  const words = nameWords(name);
  const last = words.at(-1);
  if (last === undefined) return false;
  if (SECRET_WORDS.has(last)) return true;
  if (words.length >= 2 && SECRET_PAIRS.has(words.slice(-2).join(' '))) return true;
  return SECRET_NAMES.has(words.join(' '));
}

export interface SecretLikeField {
  /** Keys from the config's root, `*` for array items: ['credentials', 'client_secret']. */
  path: string[];
  marked: boolean;
}

/** Every secret-like field of a connection specification, marked or not. */
export function secretLikeFields(connectionSpecification: unknown): SecretLikeField[] {
  const found: SecretLikeField[] = [];
  visit(connectionSpecification, [], found);
  return found;
}

function visit(schema: unknown, path: string[], found: SecretLikeField[]): void {
  if (!isSchema(schema)) return;
  const properties = schema['properties'];
  if (isSchema(properties)) {
    for (const [name, child] of Object.entries(properties)) {
      if (!isSchema(child)) continue;
      const childPath = [...path, name];
      if (isSecretLikeName(name) && canHoldString(child)) {
        found.push({ path: childPath, marked: child['airbyte_secret'] === true });
      }
      visit(child, childPath, found);
    }
  }
  for (const keyword of ['oneOf', 'anyOf', 'allOf']) {
    const variants = schema[keyword];
    if (Array.isArray(variants)) for (const variant of variants) visit(variant, path, found);
  }
  if (isSchema(schema['items'])) visit(schema['items'], [...path, '*'], found);
}

/**
 * A field can hold a secret string when its type allows a string (or it declares no type at all) and it is not
 * pinned to listed values (a `const` or `enum`, e.g. the `auth_type` discriminator of a oneOf).
 */
function canHoldString(schema: Schema): boolean {
  if ('const' in schema || Array.isArray(schema['enum'])) return false;
  const types = typesOf(schema);
  if (types.length === 0) return !isSchema(schema['properties']) && !['oneOf', 'anyOf', 'allOf'].some((key) => key in schema);
  return types.includes('string');
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
