// Owns the TypeBox schemas of a connection's mappers (issue 12; runtime/mappers/types.ts is the definition): an
// object keyed by stream, each an error policy and the ordered steps, one schema per step type told apart by `type`
// (a discriminator, so a wrong step is answered about its own type's fields). Conditions are typed precisely in
// responses; in a request body a condition is only required to be an object, and the planner (runtime/mappers/plan.ts)
// answers a wrong one in one line naming the stream, step and field, which anyOf's first failed branch would not.
// For the same reason a step's choices (hash algorithm, target) are enums in responses but strings in a request body,
// so a wrong one is answered 400 mapper.invalid, as it is on the command line and in apply.
import { Type, type TSchema } from 'typebox';
import { mapOf, stringEnum } from './request-schemas.js';

const STEP_TYPES = ['select', 'rename', 'hash', 'encrypt', 'filter', 'expression'];
const field = Type.String({ minLength: 1, description: 'a top-level property of the record' });
const secret = (description: string) => Type.String({ minLength: 1, description: `${description}; a secret, shown as **********` });
const value = Type.Unsafe<string | number | boolean | null>({ type: ['string', 'number', 'boolean', 'null'] });
const ordered = Type.Unsafe<string | number>({ type: ['string', 'number'] });

/** Conditions nested `depth` deep at most in and/or/not (responses show at most what a person writes by hand). */
function conditionSchema(depth: number): TSchema {
  const leaf = (operator: string, operand: TSchema) => Type.Object({ field, [operator]: operand }, { additionalProperties: false });
  const leaves = [
    leaf('eq', value), leaf('ne', value), leaf('in', Type.Array(value)),
    leaf('lt', ordered), leaf('le', ordered), leaf('gt', ordered), leaf('ge', ordered), leaf('is_null', Type.Boolean()),
  ];
  if (depth === 0) return Type.Union(leaves);
  const inner = conditionSchema(depth - 1);
  return Type.Union([
    ...leaves,
    Type.Object({ and: Type.Array(inner) }, { additionalProperties: false }),
    Type.Object({ or: Type.Array(inner) }, { additionalProperties: false }),
    Type.Object({ not: inner }, { additionalProperties: false }),
  ]);
}

/** A request body's choice: any string, the planner refuses another value. */
const choiceInBody = (choices: string[], options: { description?: string } = {}) =>
  Type.String({ description: `${options.description ? `${options.description}; ` : ''}one of ${choices.join(', ')} (another value: 400 mapper.invalid)` });

function mappersSchema(condition: TSchema, choice: (choices: string[], options?: { description?: string }) => TSchema) {
  const step = (type: string, properties: Record<string, TSchema>, required: string[], description: string) =>
    Type.Unsafe<Record<string, unknown>>({ type: 'object', description, additionalProperties: false, required: ['type', ...required], properties: { type: { type: 'string', const: type }, ...properties } });
  const steps = [
    step('select', { fields: Type.Array(field, { minItems: 1 }) }, ['fields'], 'keeps only these fields'),
    step('rename', { field, to: field }, ['field', 'to'], 'renames a field, also in the primary key and cursor'),
    step('hash', {
      field, algorithm: choice(['sha256', 'sha512', 'md5']), salt: secret('prepended to the value'),
      target: choice(['replace', 'new'], { description: 'new: the hash goes to <field>_hashed' }),
    }, ['field'], 'the hex digest of salt + value'),
    step('encrypt', { field, key: secret('64 hexadecimal characters (32 bytes)') }, ['field', 'key'], 'AES-256-GCM: v1: + base64(IV ‖ ciphertext ‖ tag)'),
    step('filter', { keep: condition, drop: condition }, [], 'keeps (keep) or drops (drop) the records a condition holds for'),
    step('expression', { field, expression: Type.String({ minLength: 1 }) }, ['expression'], 'a JSONata expression; without field its result replaces the record'),
  ];
  const streamMappers = Type.Object({
    on_error: Type.Optional(stringEnum(['fail', 'skip'], { description: 'fail (default) the sync, or null the value and note it' })),
    steps: Type.Unsafe<unknown[]>({ type: 'array', items: { type: 'object', discriminator: { propertyName: 'type' }, required: ['type'], properties: { type: { type: 'string', enum: STEP_TYPES } }, oneOf: steps } }),
  }, { additionalProperties: false });
  return Type.Union([mapOf(streamMappers, { description: 'per stream (name, or namespace.name), the steps applied to each record' }), Type.Null()]);
}

/** `mappers` in a connection body. */
export const mappersBody = mappersSchema(Type.Unsafe<Record<string, unknown>>({ type: 'object', description: 'a condition (see the Connection response)' }), choiceInBody);
/** `mappers` in a connection as shown, salts and keys masked. */
export const mappersShown = mappersSchema(conditionSchema(3), (choices, options) => stringEnum(choices, options));
