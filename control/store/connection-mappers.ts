// Owns a connection's mappers at rest: each hash salt and encrypt key is encrypted (SecretBox, like actor secrets)
// before the definition is written, and decrypted when it is read; nothing else in Sluice sees the encrypted form.
import { SluiceError } from '../../runtime/errors.js';
import type { MappersDefinition } from '../../runtime/mappers/index.js';
import { isEncrypted, type SecretBox } from './secret-box.js';

const SECRET_OF: Readonly<Record<string, string>> = { hash: 'salt', encrypt: 'key' };

/** The JSON text stored for `mappers`, secrets encrypted; null for none. */
export function sealMappers(mappers: MappersDefinition | null | undefined, box: SecretBox | undefined): string | null {
  if (mappers === null || mappers === undefined) return null;
  return JSON.stringify(
    mapStepSecrets(mappers, (value) => {
      if (!box) throw new SluiceError('store.unavailable', 'mappers with secrets need the secret key to be stored');
      return box.encrypt(value);
    }),
  );
}

/** The definition stored as `text`, secrets decrypted; `connection` names it in an error. */
export function openMappers(text: unknown, box: SecretBox | undefined, connection: string): MappersDefinition | null {
  if (text === null || text === undefined) return null;
  const stored = JSON.parse(String(text)) as MappersDefinition;
  return mapStepSecrets(stored, (value, where) => {
    if (!isEncrypted(value)) return value;
    if (!box) throw new SluiceError('store.unavailable', `connection ${connection}: its mappers' secrets need the secret key to be read`);
    return String(box.decrypt(value, `connection ${connection}, mappers ${where}`));
  });
}

function mapStepSecrets(mappers: MappersDefinition, change: (value: string, where: string) => string): MappersDefinition {
  const copy = structuredClone(mappers);
  for (const [stream, definition] of Object.entries(copy)) {
    definition.steps?.forEach((step, index) => {
      const property = SECRET_OF[step.type];
      const holder = step as unknown as Record<string, unknown>;
      const value = property === undefined ? undefined : holder[property];
      if (property !== undefined && typeof value === 'string') holder[property] = change(value, `${stream} step ${index + 1} (${step.type}) ${property}`);
    });
  }
  return copy;
}
