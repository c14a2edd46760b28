// Owns the filter step: keeps the records its `keep` condition holds for, or drops those its `drop` condition holds
// for (exactly one of the two); a record not kept is DROPPED and counted by the caller. Under on_error skip, a field
// a condition cannot compare is nulled and the condition evaluated again.
import type { CompiledStep, MappedRecord } from '../compiled-step.js';
import { StepFailure } from '../compiled-step.js';
import { compileCondition, type Predicate } from '../conditions.js';
import type { SchemaShape } from '../schema-shape.js';
import type { StepSite } from '../step-definition.js';

export function compileFilter(site: StepSite, shape: SchemaShape): CompiledStep {
  site.allowOnly(['keep', 'drop']);
  const hasKeep = site.step['keep'] !== undefined;
  if (hasKeep === (site.step['drop'] !== undefined)) throw site.invalid('takes exactly one of keep and drop');
  const direction = hasKeep ? 'keep' : 'drop';
  const holds = compileCondition(site, shape, site.step[direction], direction);
  const keeps: Predicate = hasKeep ? holds : (data) => !holds(data);
  return {
    label: site.label,
    isAsync: false,
    apply(record: MappedRecord): boolean {
      return keeps(record.data);
    },
    recover(record, failure, nulled): boolean {
      // Each round nulls one more field; null always compares, so this ends.
      for (let current = failure; ; ) {
        if (current.field === undefined) throw current;
        record.data[current.field] = null;
        nulled.push(current.field);
        try {
          return keeps(record.data);
        } catch (error) {
          if (!(error instanceof StepFailure)) throw error;
          current = error;
        }
      }
    },
  };
}
