// Owns the hash step: the hex digest (SHA-256, SHA-512 or MD5) of `salt + String(value)` in UTF-8, replacing the
// field or written to `<field>_hashed`, so equal inputs still join. Strings and numbers hash (an exact number by its
// digits); a missing or null value stays as it is; any other type cannot be hashed. The salt is a secret: no
// message names it.
// A namespace import: `hash` is absent before Node 20.12, and a missing named import would fail to link.
import * as crypto from 'node:crypto';
import { isExactNumber } from '../../../protocol/exact-json.js';
import { describeType, fieldReader, StepFailure, type CompiledStep, type MappedRecord } from '../compiled-step.js';
import type { SchemaShape } from '../schema-shape.js';
import { ValueKind, type FieldIds } from '../span-record.js';
import type { StepSite } from '../step-definition.js';
import type { HashAlgorithm } from '../types.js';
import { checkFieldExists, checkFieldIsNew } from './field-checks.js';

const ALGORITHMS: readonly HashAlgorithm[] = ['sha256', 'sha512', 'md5'];

export function compileHash(site: StepSite, shape: SchemaShape, fields: FieldIds): CompiledStep {
  site.allowOnly(['field', 'algorithm', 'salt', 'target']);
  const field = site.writtenField('field');
  const algorithm = site.choice('algorithm', ALGORITHMS, 'sha256', field);
  const target = site.choice('target', ['replace', 'new'] as const, 'replace', field) === 'new' ? `${field}_hashed` : field;
  const salt = site.step['salt'] ?? '';
  if (typeof salt !== 'string') throw site.invalid('salt must be a string', field);
  checkFieldExists(site, shape, field);
  if (target !== field) checkFieldIsNew(site, shape, field, target, 'target new writes');
  shape.setStringFrom(target, field, site.nullsOnError);
  const read = fieldReader(field);
  const digest = digester(algorithm);
  const fieldId = fields.id(field);
  const targetId = fields.id(target);
  return {
    label: site.label,
    isAsync: false,
    apply(record: MappedRecord): boolean {
      const data = record.data;
      const value = read(data);
      if (value === undefined) return true;
      if (value === null) {
        if (target !== field) data[target] = null;
        return true;
      }
      if (typeof value === 'string') data[target] = digest(salt + value);
      else if (typeof value === 'number' || isExactNumber(value)) data[target] = digest(salt + String(value));
      else throw new StepFailure(field, `cannot hash ${describeType(value)} (hash takes strings and numbers)`);
      return true;
    },
    recover(record, _failure, nulled): boolean {
      record.data[target] = null;
      nulled.push(target);
      return true;
    },
    applyToSpans(record): boolean {
      const entry = record.find(fieldId);
      if (entry === -1) return true;
      const kind = record.kind(entry);
      if (kind === ValueKind.Null) {
        if (targetId !== fieldId) record.put(targetId, 'null');
        return true;
      }
      // Booleans, objects and arrays fail on the parse path, under the stream's policy.
      if (kind === ValueKind.True || kind === ValueKind.False) return false;
      // A string by its decoded text; a number only when its digits are what String() of the parsed number gives.
      const text = record.string(entry) ?? record.canonicalText(entry);
      if (text === undefined) return false;
      record.put(targetId, `"${digest(salt + text)}"`);
      return true;
    },
  };
}

/** The one-shot `crypto.hash` (Node 20.12+) when there is one: for short inputs it is faster than a Hash object. */
function digester(algorithm: HashAlgorithm): (text: string) => string {
  const oneShot = crypto.hash as typeof crypto.hash | undefined;
  if (typeof oneShot === 'function') return (text) => oneShot(algorithm, text, 'hex');
  return (text) => crypto.createHash(algorithm).update(text, 'utf8').digest('hex');
}
