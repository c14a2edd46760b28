// Owns the expression step: a JSONata 2.x expression over `data`, compiled once at plan time. With `field`, its
// result becomes that field (no result: null; the schema says nothing of its type); without, the result replaces the
// whole record and must be an object (the schema then lists no fields). Evaluation is asynchronous, so a stream with
// an expression step maps records asynchronously. A number beyond a double reaches the expression as an object
// ({value: "digits"}), not as a number. A whole-record expression that fails has no one value to null: it fails
// the sync even under on_error skip.
import { createRequire } from 'node:module';
import type jsonataType from 'jsonata';
import { isExactNumber } from '../../../protocol/exact-json.js';
import { describeType, StepFailure, type CompiledStep, type MappedRecord, type RecordData } from '../compiled-step.js';
import type { SchemaShape } from '../schema-shape.js';
import { isPlainObject, type StepSite } from '../step-definition.js';

export function compileExpression(site: StepSite, shape: SchemaShape): CompiledStep {
  site.allowOnly(['field', 'expression']);
  const field = site.step['field'] === undefined ? undefined : site.writtenField('field');
  const text = site.string('expression');
  let expression: jsonataType.Expression;
  try {
    expression = loadJsonata()(text);
  } catch (error) {
    throw site.invalid(`the expression does not compile: ${describeJsonataError(error)}`, field);
  }
  if (field === undefined) shape.forgetFields();
  else shape.setField(field, {});
  const failed = (error: unknown): never => {
    throw new StepFailure(field, `the expression failed: ${describeJsonataError(error)}`);
  };
  return {
    label: site.label,
    isAsync: true,
    apply(record: MappedRecord): Promise<boolean> {
      return expression.evaluate(record.data).then((result: unknown) => {
        if (typeof result === 'function') throw new StepFailure(field, 'the expression gave a function, not a value');
        if (field !== undefined) {
          record.data[field] = result === undefined ? null : result;
        } else {
          if (!isPlainObject(result) || isExactNumber(result)) {
            throw new StepFailure(undefined, `the expression gave ${result === undefined ? 'no result' : describeType(result)}; a whole-record expression must give an object`);
          }
          record.data = result as RecordData;
        }
        return true;
      }, failed);
    },
    recover(record, failure, nulled): boolean {
      if (field === undefined) throw failure;
      record.data[field] = null;
      nulled.push(field);
      return true;
    },
  };
}

/** JSONata, loaded with the first expression step: a sync without one does not pay for loading it. */
function loadJsonata(): typeof jsonataType {
  return createRequire(import.meta.url)('jsonata') as typeof jsonataType;
}

/** JSONata errors are objects with a message and, for syntax errors, a position in the expression. */
function describeJsonataError(error: unknown): string {
  const { message, position } = (error ?? {}) as { message?: unknown; position?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  return typeof position === 'number' ? `${text} (at character ${position})` : text;
}
