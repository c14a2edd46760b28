// Owns the select step: keeps only the named fields of `data`, in the order given (a field the record lacks is
// left out). Planning refuses a field the schema does not have and one that would drop the primary key or the
// cursor of an incremental stream.
import type { CompiledStep, MappedRecord, RecordData } from '../compiled-step.js';
import type { SchemaShape } from '../schema-shape.js';
import type { FieldIds } from '../span-record.js';
import type { StepSite } from '../step-definition.js';
import { checkFieldExists } from './field-checks.js';

export function compileSelect(site: StepSite, shape: SchemaShape, fieldIds: FieldIds): CompiledStep {
  site.allowOnly(['fields']);
  const fields = site.step['fields'];
  if (!Array.isArray(fields) || fields.length === 0 || !fields.every((field) => typeof field === 'string' && field !== '')) {
    throw site.invalid('fields must be a non-empty list of field names');
  }
  const names = fields as string[];
  const seen = new Set<string>();
  for (const field of names) {
    if (seen.has(field)) throw site.invalid('is listed twice', field);
    if (field === '__proto__') throw site.invalid('__proto__ is not a field name Sluice can write', field);
    seen.add(field);
    checkFieldExists(site, shape, field);
  }
  for (const field of shape.fieldNames()) {
    if (seen.has(field)) continue;
    const role = shape.roleOf(field);
    if (role) throw site.invalid(`is in the ${role}, so select must keep it`, field);
  }
  shape.select(names);
  const unsafe = names.some((field) => field in Object.prototype);
  const ids = Int32Array.from(names, (field) => fieldIds.id(field));
  const selected = new Uint8Array(Math.max(...ids) + 1);
  for (const id of ids) selected[id] = 1;
  return {
    label: site.label,
    isAsync: false,
    apply(record: MappedRecord): boolean {
      const data = record.data;
      const kept: RecordData = {};
      for (let i = 0; i < names.length; i++) {
        const field = names[i]!;
        const value = data[field];
        // JSON never holds undefined, so undefined means absent (an inherited name needs an own-property check).
        if (value !== undefined && (!unsafe || Object.hasOwn(data, field))) kept[field] = value;
      }
      record.data = kept;
      return true;
    },
    recover(_record, failure): boolean {
      throw failure;
    },
    applyToSpans(record): boolean {
      record.keepOnly(ids, selected);
      return true;
    },
  };
}
