// Owns the planning checks steps share about a field: that the stream's schema has it (naming the fields it does
// have), and that a name a step writes is not already taken.
import type { SchemaShape } from '../schema-shape.js';
import type { StepSite } from '../step-definition.js';

/** How many field names an error lists before it stops. */
const LISTED_FIELDS = 20;

export function checkFieldExists(site: StepSite, shape: SchemaShape, field: string): void {
  if (shape.has(field)) return;
  const names = shape.fieldNames();
  const shown = names.length > LISTED_FIELDS ? `${names.slice(0, LISTED_FIELDS).join(', ')}, …` : names.join(', ');
  throw site.invalid(`the stream's schema has no such field (it has: ${shown || 'no fields'})`, field);
}

/** Refuses writing `target` (for `field`) when the schema already lists it. */
export function checkFieldIsNew(site: StepSite, shape: SchemaShape, field: string, target: string, what: string): void {
  if (shape.listsFields && shape.has(target)) throw site.invalid(`${what} ${target}, which already exists`, field);
}
