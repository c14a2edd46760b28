// Owns which properties of a mappers definition are secrets (a hash step's `salt`, an encrypt step's `key`) and the
// three things done with them where a definition is shown or edited: masking them as `**********`, listing their
// values for redaction of free text, and, in an update, taking a masked value to mean "keep the stored one".
// A masked value is matched to the stored step at the same stream and position with the same type and field; one
// that matches nothing is refused, never saved as the literal mask.
import { SluiceError } from '../errors.js';
import { MASK } from '../secrets.js';
import { isPlainObject } from './step-definition.js';

const SECRET_OF: Readonly<Record<string, string>> = { hash: 'salt', encrypt: 'key' };

/** A copy of `mappers` with every salt and key replaced by the mask. */
export function maskMapperSecrets(mappers: unknown): unknown {
  return mapSecrets(mappers, () => MASK);
}

/** The salts and keys in `mappers`, for redacting free text. */
export function mapperSecretValues(mappers: unknown): string[] {
  const values: string[] = [];
  mapSecrets(mappers, (value) => {
    values.push(value);
    return value;
  });
  return values;
}

/** `update` with each masked salt or key replaced by the stored step's; a mapper.invalid error when there is none. */
export function keepMaskedMapperSecrets(update: unknown, stored: unknown): unknown {
  return mapSecrets(update, (value, at) => {
    if (value !== MASK) return value;
    const storedStep = stepAt(stored, at.stream, at.index);
    const storedValue = storedStep?.[at.property];
    if (storedStep?.['type'] === at.type && storedStep['field'] === at.field && typeof storedValue === 'string') return storedValue;
    throw new SluiceError(
      'mapper.invalid',
      `${at.stream} step ${at.index + 1} (${at.type})${typeof at.field === 'string' ? `, field ${at.field}` : ''}: ${at.property} is masked (${MASK}) but no stored step at this place has one to keep; give the ${at.property} again`,
    );
  });
}

interface SecretSite {
  stream: string;
  index: number;
  type: string;
  field: unknown;
  property: string;
}

/** A copy of `mappers` with each non-empty string salt or key replaced by `replace(value)`; other shapes copied as they are. */
function mapSecrets(mappers: unknown, replace: (value: string, at: SecretSite) => string): unknown {
  if (!isPlainObject(mappers)) return structuredClone(mappers);
  return Object.fromEntries(
    Object.entries(mappers).map(([stream, definition]) => {
      if (!isPlainObject(definition) || !Array.isArray(definition['steps'])) return [stream, structuredClone(definition)];
      const steps = definition['steps'].map((step: unknown, index) => {
        const copy = structuredClone(step);
        if (!isPlainObject(copy) || typeof copy['type'] !== 'string') return copy;
        const property = SECRET_OF[copy['type']];
        const value = property === undefined ? undefined : copy[property];
        if (property !== undefined && typeof value === 'string' && value !== '') {
          copy[property] = replace(value, { stream, index, type: copy['type'], field: copy['field'], property });
        }
        return copy;
      });
      return [stream, { ...structuredClone(definition), steps }];
    }),
  );
}

function stepAt(mappers: unknown, stream: string, index: number): Record<string, unknown> | undefined {
  if (!isPlainObject(mappers)) return undefined;
  const definition = Object.hasOwn(mappers, stream) ? mappers[stream] : undefined;
  const steps = isPlainObject(definition) ? definition['steps'] : undefined;
  const step = Array.isArray(steps) ? steps[index] : undefined;
  return isPlainObject(step) ? step : undefined;
}
