// Owns the encrypt step: the field's value becomes a `v1:` AES-256-GCM string (format in aes-gcm-value.ts). Any JSON
// value encrypts (its JSON text is the plaintext); a missing or null value stays as it is. The key is checked and
// decoded once, at plan time, and never named in a message.
import { fieldReader, type CompiledStep, type MappedRecord } from '../compiled-step.js';
import { encryptJsonText, encryptValue, KEY_FORMAT, parseKey } from '../aes-gcm-value.js';
import type { SchemaShape } from '../schema-shape.js';
import { ValueKind, type FieldIds } from '../span-record.js';
import type { StepSite } from '../step-definition.js';
import { checkFieldExists } from './field-checks.js';

export function compileEncrypt(site: StepSite, shape: SchemaShape, fields: FieldIds): CompiledStep {
  site.allowOnly(['field', 'key']);
  const field = site.writtenField('field');
  const key = parseKey(site.step['key']);
  if (!key) throw site.invalid(`key must be ${KEY_FORMAT}`, field);
  checkFieldExists(site, shape, field);
  shape.setStringFrom(field, field, false);
  const read = fieldReader(field);
  const fieldId = fields.id(field);
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
    applyToSpans(record): boolean {
      const entry = record.find(fieldId);
      if (entry === -1 || record.kind(entry) === ValueKind.Null) return true;
      // The plaintext is the value's JSON text as JSON.stringify writes it; other values take the parse path.
      const plaintext = record.canonicalText(entry);
      if (plaintext === undefined) return false;
      record.setValue(entry, `"${encryptJsonText(plaintext, key)}"`);
      return true;
    },
  };
}
