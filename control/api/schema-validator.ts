// Owns checking requests against their route's schemas, as Fastify's validator compiler: one Ajv, strict, that
// stops at the first issue and answers it with one api.bad_request line naming the field (`"config" must be an
// object, not string`, `the request body has an unknown field "colour"`, `limit 0: expected an integer from 1 to
// 500`). Query values arrive as text and are read as the numbers their schema declares.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { SluiceError } from '../../runtime/errors.js';

type JsonSchema = Record<string, unknown>;
type HttpPart = 'body' | 'params' | 'querystring' | 'headers' | string;

// discriminator: a mapper step is checked against its own type's schema only (control/api/mapper-schemas.ts).
const strictAjv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true, verbose: true, discriminator: true });
const queryAjv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true, verbose: true, coerceTypes: true, useDefaults: true });

/** Fastify's validator compiler: `{ value }` when the part fits, `{ error }` (a SluiceError) when it does not. */
export function compileValidator({ schema, httpPart }: { schema: JsonSchema; httpPart?: HttpPart }): (data: unknown) => { value?: unknown; error?: Error } {
  const validate: ValidateFunction = (httpPart === 'querystring' ? queryAjv : strictAjv).compile(schema);
  return (data) => {
    if (validate(data)) return { value: data };
    const issue = validate.errors?.[0];
    const message = httpPart === 'querystring' ? describeQueryIssue(issue, data) : describeIssue(issue, httpPart === 'params' ? 'the path' : 'the request body');
    return { error: new SluiceError('api.bad_request', message) };
  };
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

/** `limit 0: expected an integer from 1 to 500`: the parameter, the value sent, and what its schema allows. */
function describeQueryIssue(error: ErrorObject | undefined, query: unknown): string {
  if (error?.keyword === 'required') return `the query needs "${String((error.params as Record<string, unknown>)['missingProperty'])}"`;
  const name = fieldName(error?.instancePath ?? '');
  if (!error || name === '') return 'the query is not valid';
  const sent = (query as Record<string, unknown>)[name.split('.')[0]!];
  const schema = error.parentSchema as { type?: string; minimum?: number; maximum?: number } | undefined;
  return `${name} ${String(sent)}: expected ${expectation(schema ?? {})}`;
}

function expectation({ type, minimum, maximum }: { type?: string; minimum?: number; maximum?: number }): string {
  const kind = type === 'integer' ? 'an integer' : type === 'number' ? 'a number' : article(String(type));
  if (minimum !== undefined && maximum !== undefined) return `${kind} from ${minimum} to ${maximum}`;
  if (minimum !== undefined) return `${kind} of ${minimum} or more`;
  if (maximum !== undefined) return `${kind} of ${maximum} or less`;
  return kind;
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
