// Owns the encrypt step: the field's value becomes a `v1:` AES-256-GCM string (format in aes-gcm-value.ts). Any JSON
// value encrypts (its JSON text is the plaintext); a missing or null value stays as it is. The key is checked and
// decoded once, at plan time, and never named in a message.
import { fieldReader, type CompiledStep, type MappedRecord } from '../compiled-step.js';
import { encryptValue, KEY_FORMAT, parseKey } from '../aes-gcm-value.js';
import type { SchemaShape } from '../schema-shape.js';
import type { StepSite } from '../step-definition.js';
import { checkFieldExists } from './field-checks.js';

export function compileEncrypt(site: StepSite, shape: SchemaShape): CompiledStep {
  site.allowOnly(['field', 'key']);
  const field = site.writtenField('field');
  const key = parseKey(site.step['key']);
  if (!key) throw site.invalid(`key must be ${KEY_FORMAT}`, field);
  checkFieldExists(site, shape, field);
  shape.setStringFrom(field, field, false);
  const read = fieldReader(field);
  return {
    label: site.label,
    isAsync: false,
    apply(record: MappedRecord): boolean {
      const value = read(record.data);
      if (value !== undefined && value !== null) record.data[field] = encryptValue(value, key);
      return true;
    },
    recover(_record, failure): boolean {
      throw failure;
    },
  };
}
