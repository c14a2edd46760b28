// Owns the rename step: the field takes the new name in place (the other fields keep their order), and in the
// primary key and cursor of the configured catalog. A record without the field passes unchanged. When the schema
// lists no fields and a record already has the new name, the renamed value wins.
import type { CompiledStep, MappedRecord, RecordData } from '../compiled-step.js';
import type { SchemaShape } from '../schema-shape.js';
import type { FieldIds } from '../span-record.js';
import type { StepSite } from '../step-definition.js';
import { checkFieldExists, checkFieldIsNew } from './field-checks.js';

export function compileRename(site: StepSite, shape: SchemaShape, fields: FieldIds): CompiledStep {
  site.allowOnly(['field', 'to']);
  const from = site.string('field');
  const to = site.writtenField('to', from);
  checkFieldExists(site, shape, from);
  if (to === from) throw site.invalid(`renames the field to its own name`, from);
  checkFieldIsNew(site, shape, from, to, 'cannot rename to');
  shape.rename(from, to);
  const inherited = from in Object.prototype;
  const fromId = fields.id(from);
  const toId = fields.id(to);
  return {
    label: site.label,
    isAsync: false,
    apply(record: MappedRecord): boolean {
      const data = record.data;
      if (data[from] === undefined || (inherited && !Object.hasOwn(data, from))) return true;
      // A new object rather than `delete`: it keeps the field order and the object's fast layout.
      const renamed: RecordData = {};
      for (const key in data) {
        if (key === to) continue;
        if (key === '__proto__') Object.defineProperty(renamed, key, { value: data[key], enumerable: true, writable: true, configurable: true });
        else renamed[key === from ? to : key] = data[key];
      }
      record.data = renamed;
      return true;
    },
    recover(_record, failure): boolean {
      throw failure;
    },
    applyToSpans(record): boolean {
      const entry = record.find(fromId);
      if (entry !== -1) record.rename(entry, toId);
      return true;
    },
  };
}
