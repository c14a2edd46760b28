// Owns checking request bodies against each route's JSON Schema: validators compiled once per schema, unknown
// fields refused, and one error line that names the field (`"config" must be object`, `unknown field "colour"`).
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { SluiceError, type ErrorCode } from '../../runtime/errors.js';

export type JsonSchema = Record<string, unknown>;

/** A body that must be empty or `{}`: routes that take no input. */
export const NO_BODY: JsonSchema = { type: 'object', properties: {}, additionalProperties: false };

const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true, verbose: true });
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

/** Compiles a schema now (at start-up), so that a broken schema fails before any request. */
export function compileBodySchema(schema: JsonSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** Throws api.bad_request naming the first field that does not fit the schema. */
export function checkBody(schema: JsonSchema, body: unknown, subject = 'the request body', code: ErrorCode = 'api.bad_request'): void {
  const validate = compileBodySchema(schema);
  if (validate(body)) return;
  throw new SluiceError(code, describeIssue(validate.errors?.[0], subject));
}

function describeIssue(error: ErrorObject | undefined, subject: string): string {
  if (!error) return `${subject} is not valid`;
  const at = fieldName(error.instancePath);
  const where = at === '' ? subject : `"${at}"`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const missing = String(params['missingProperty']);
      const type = (error.parentSchema as { properties?: Record<string, { type?: unknown }> } | undefined)?.properties?.[missing]?.type;
      const name = at === '' ? missing : `${at}.${missing}`;
      return `${subject} needs "${name}"${typeof type === 'string' ? ` (${type})` : ''}`;
    }
    case 'additionalProperties':
      return `${subject} has an unknown field "${at === '' ? '' : `${at}.`}${String(params['additionalProperty'])}"`;
    case 'type':
      return `${where} must be ${article(String(params['type']))}, not ${typeName(error.data)}`;
    case 'enum':
      return `${where} must be one of ${(params['allowedValues'] as unknown[]).map(String).join(', ')}`;
    default:
      return `${where} ${error.message ?? 'is not valid'}`;
  }
}

/** `/config/streams/0` → `config.streams[0]`. */
function fieldName(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name === '' ? part : `${name}.${part}`), '');
}

function article(type: string): string {
  const kinds = type.split(',');
  return kinds.map((kind) => (kind === 'null' ? 'null' : `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`)).join(' or ');
}

function typeName(value: unknown): string {
  return Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
}
