// Owns checking values against JSON Schemas: protocol messages and definitions against
// schemas/airbyte-protocol.schema.json, and configs or records against a connector's own schemas.
// Validators are compiled once and cached; errors come back as pointer + plain-English message. The protocol
// definitions a command needs at start come precompiled from the build (scripts/precompile-validators.mjs).
// The only I/O is reading the protocol schema file (or the precompiled validators), once, on first use. ajv itself
// (a hundred modules) is loaded on the first compile: a run that compiles nothing never loads it.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv, ErrorObject, Options, ValidateFunction } from 'ajv';
import type formatsPluginType from 'ajv-formats';
import type { ProtocolDefinitionName } from './types.generated.js';
import { stringifyExactJson } from './exact-json.js';

export type { ProtocolDefinitionName } from './types.generated.js';

export interface ValidationIssue {
  /** JSON pointer to the offending value ('/' for the whole value), or to the missing property. */
  pointer: string;
  /** What is wrong, e.g. "is required" or "must be one of: full_refresh, incremental". */
  message: string;
}

const SCHEMA_FILE = join('schemas', 'airbyte-protocol.schema.json');
const PROTOCOL_SCHEMA_KEY = 'airbyte-protocol';

/** For each message type, the envelope field that carries its payload. */
const PAYLOAD_FIELD: ReadonlyMap<string, string> = new Map([
  ['RECORD', 'record'],
  ['STATE', 'state'],
  ['LOG', 'log'],
  ['SPEC', 'spec'],
  ['CONNECTION_STATUS', 'connectionStatus'],
  ['CATALOG', 'catalog'],
  ['TRACE', 'trace'],
  ['CONTROL', 'control'],
  ['DESTINATION_CATALOG', 'destination_catalog'],
]);
const PAYLOAD_FIELDS = new Set(PAYLOAD_FIELD.values());

// ---------------------------------------------------------------------------------------------------------------
// Public API

/**
 * Checks one AirbyteMessage: the envelope, every payload present, and that the payload named by `type` is there.
 * A payload field that does not match `type` and is null is tolerated (some implementations send the unused
 * fields as null).
 */
export function validateMessage(value: unknown): ValidationIssue[] {
  if (!isPlainObject(value)) return [{ pointer: '/', message: 'must be object' }];
  const type = value['type'];
  const field = typeof type === 'string' ? PAYLOAD_FIELD.get(type) : undefined;
  const envelope = withoutUnusedNullPayloads(value, field);
  const issues = validateDefinition('AirbyteMessage', envelope);
  if (field !== undefined && envelope[field] === undefined) {
    issues.push({ pointer: `/${field}`, message: 'is required' });
  }
  return issues;
}

/** Checks a value against one definition of the protocol schema, e.g. 'ConfiguredAirbyteCatalog'. */
export function validateDefinition(name: ProtocolDefinitionName, value: unknown): ValidationIssue[] {
  const validate = protocolValidator(name);
  return validate(value) ? [] : toIssues(validate.errors);
}

/**
 * Checks a value against a schema that is not ours: a connector's connectionSpecification, a stream's json_schema.
 * Compiled validators are cached per schema object. A schema that cannot be compiled yields one issue at '/'.
 */
export function validateAgainstSchema(schema: object, value: unknown): ValidationIssue[] {
  const compiled = userValidator(schema);
  if ('problem' in compiled) return [{ pointer: '/', message: compiled.problem }];
  return compiled.validate(value) ? [] : toIssues(compiled.validate.errors);
}

/** One line: `subject: /port must be integer; /host is required`. */
export function formatIssues(issues: readonly ValidationIssue[], subject: string): string {
  if (issues.length === 0) return `${subject}: valid`;
  return `${subject}: ${issues.map((issue) => `${issue.pointer} ${issue.message}`).join('; ')}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Compiling and caching

let protocolAjv: Ajv | undefined;
let definitionNames: Set<string> | undefined;
const protocolValidators = new Map<string, ValidateFunction>();

function protocolValidator(name: ProtocolDefinitionName): ValidateFunction {
  const cached = protocolValidators.get(name) ?? precompiledValidators()[name];
  if (cached) return cached;
  const ajv = loadProtocolAjv();
  if (!definitionNames?.has(name)) throw new Error(`the protocol schema has no definition named ${String(name)}`);
  const validate = ajv.compile({ $ref: `${PROTOCOL_SCHEMA_KEY}#/definitions/${name}` });
  protocolValidators.set(name, validate);
  return validate;
}

let precompiled: Partial<Record<string, ValidateFunction>> | undefined;

/** The build's standalone validators, beside this module in dist/; none when running from the sources. */
function precompiledValidators(): Partial<Record<string, ValidateFunction>> {
  if (precompiled) return precompiled;
  try {
    precompiled = createRequire(import.meta.url)('./precompiled-validators.generated.cjs') as Record<string, ValidateFunction>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    precompiled = {};
  }
  return precompiled;
}

/** A new ajv instance, ajv loaded on the first call. */
function newAjv(options: Options): Ajv {
  const { Ajv: AjvClass } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
  return new AjvClass(options);
}

function loadProtocolAjv(): Ajv {
  if (protocolAjv) return protocolAjv;
  const schema = JSON.parse(readFileSync(findProtocolSchemaFile(), 'utf8')) as { definitions?: object };
  const ajv = withFormats(newAjv({ allErrors: true, strict: true, allowUnionTypes: true, logger: false }));
  ajv.addSchema(schema, PROTOCOL_SCHEMA_KEY);
  definitionNames = new Set(Object.keys(schema.definitions ?? {}));
  protocolAjv = ajv;
  return ajv;
}

/** Walks up from this module (protocol/ in the sources, dist/protocol/ when built) to the directory with schemas/. */
function findProtocolSchemaFile(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; ) {
    const candidate = join(dir, SCHEMA_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find ${SCHEMA_FILE} in ${start} or any directory above it`);
    dir = parent;
  }
}

type UserValidator = { validate: ValidateFunction } | { problem: string };

let userAjv: Ajv | undefined;
const userValidators = new WeakMap<object, UserValidator>();

const USER_AJV_OPTIONS: Options = {
  allErrors: true,
  strict: false,
  logger: false,
  // Connector schemas carry $id values that may repeat between schemas; do not register them.
  addUsedSchema: false,
  // Connector patterns are written for Python and Java regex engines; skip the stricter unicode mode.
  unicodeRegExp: false,
};

function userValidator(schema: object): UserValidator {
  const cached = userValidators.get(schema);
  if (cached) return cached;
  userAjv ??= withFormats(newAjv(USER_AJV_OPTIONS));
  let compiled: UserValidator;
  try {
    compiled = { validate: userAjv.compile(withoutUnknownMetaSchema(userAjv, schema)) };
  } catch (error) {
    const reason = (error as Error).message.replace(/^schema is invalid: /, '');
    compiled = { problem: `cannot be checked: the schema is invalid (${reason})` };
  }
  userValidators.set(schema, compiled);
  return compiled;
}

/** A schema declaring a JSON Schema version ajv does not know (draft-04, say) is checked as draft-07. */
function withoutUnknownMetaSchema(ajv: Ajv, schema: object): object {
  const declared = (schema as { $schema?: unknown }).$schema;
  if (typeof declared !== 'string' || ajv.getSchema(declared)) return schema;
  const { $schema: _ignored, ...rest } = schema as Record<string, unknown>;
  return rest;
}

/**
 * Standard formats, except that date-time and time accept values without a UTC offset: Airbyte marks
 * timestamps without a time zone as `format: date-time` too (with airbyte_type: timestamp_without_timezone).
 */
function withFormats(ajv: Ajv): Ajv {
  const addFormats = (createRequire(import.meta.url)('ajv-formats') as typeof formatsPluginType).default;
  addFormats(ajv);
  ajv.addFormat('date-time', addFormats.get('iso-date-time'));
  ajv.addFormat('time', addFormats.get('iso-time'));
  return ajv;
}

function withoutUnusedNullPayloads(value: Record<string, unknown>, field: string | undefined): Record<string, unknown> {
  const unused = Object.keys(value).filter((key) => key !== field && PAYLOAD_FIELDS.has(key) && value[key] === null);
  if (unused.length === 0) return value;
  const copy = { ...value };
  for (const key of unused) delete copy[key];
  return copy;
}

// ---------------------------------------------------------------------------------------------------------------
// Turning ajv errors into issues

function toIssues(errors: readonly ErrorObject[] | null | undefined): ValidationIssue[] {
  const simplified = simplifyAlternatives([...(errors ?? [])]);
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const error of simplified) {
    const issue = toIssue(error);
    if (!issue) continue;
    const key = `${issue.pointer}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

function toIssue(error: ErrorObject): ValidationIssue | undefined {
  const at = error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { pointer: child(at, String(params['missingProperty'])), message: 'is required' };
    case 'dependencies':
    case 'dependentRequired':
      return {
        pointer: child(at, String(params['missingProperty'])),
        message: `is required when ${String(params['property'])} is present`,
      };
    case 'additionalProperties':
      return { pointer: child(at, String(params['additionalProperty'])), message: 'is not allowed' };
    case 'enum':
      return { pointer: root(at), message: `must be one of: ${listValues(params['allowedValues'])}` };
    case 'const':
      return { pointer: root(at), message: `must be ${showValue(params['allowedValue'])}` };
    case 'type':
      return { pointer: root(at), message: `must be ${typeNames(params['type']).join(' or ')}` };
    case 'format':
      return { pointer: root(at), message: `must be a valid ${String(params['format'])}` };
    case 'if':
      // Reported through the errors of the `then`/`else` branch that failed.
      return undefined;
    default:
      return { pointer: root(at), message: error.message ?? `fails the ${error.keyword} rule` };
  }
}

/**
 * ajv reports a failed anyOf/oneOf as the errors of every branch plus one summary error. Keep what a person
 * needs: the errors of the branch the value most likely meant, or one line saying what the value could be.
 */
function simplifyAlternatives(errors: ErrorObject[]): ErrorObject[] {
  let result = errors;
  for (;;) {
    const index = result.findIndex((error) => isAlternatives(error) && !(error as Marked)[DONE]);
    if (index < 0) return result;
    const summary = result[index] as ErrorObject;
    const prefix = `${summary.schemaPath}/`;
    const inBranch = (error: ErrorObject): boolean => error.schemaPath.startsWith(prefix);
    const branches = new Map<number, ErrorObject[]>();
    for (const error of result) {
      if (!inBranch(error)) continue;
      const branch = Number(error.schemaPath.slice(prefix.length).split('/')[0]);
      branches.set(branch, [...(branches.get(branch) ?? []), error]);
    }
    const replacement = explainAlternatives(summary, branches);
    result = [...result.slice(0, index).filter((error) => !inBranch(error)), ...replacement, ...result.slice(index + 1)];
  }
}

const DONE = Symbol('explained');
type Marked = ErrorObject & { [DONE]?: true };

function isAlternatives(error: ErrorObject): boolean {
  return error.keyword === 'anyOf' || error.keyword === 'oneOf';
}

function explainAlternatives(summary: ErrorObject, branches: Map<number, ErrorObject[]>): ErrorObject[] {
  const at = summary.instancePath;
  const note = (message: string, instancePath = at): ErrorObject =>
    ({ ...summary, instancePath, keyword: 'alternatives', message, [DONE]: true }) as Marked;
  if ((summary.params as { passingSchemas?: unknown }).passingSchemas != null) {
    return [note('matches more than one of the allowed alternatives')];
  }
  // A branch whose type or discriminating constant the value does not have is not the one it meant.
  const rejects = (error: ErrorObject): boolean =>
    error.keyword === 'const' || error.keyword === 'enum' || (error.keyword === 'type' && error.instancePath === at);
  const plausible = [...branches.values()].filter((list) => !list.some(rejects));
  if (plausible.length > 0) {
    return plausible.reduce((best, list) => (list.length < best.length ? list : best));
  }
  const all = [...branches.values()];
  if (all.length > 0 && all.every((list) => list.length === 1 && list[0]?.keyword === 'type')) {
    const types = all.flatMap((list) => typeNames((list[0]?.params as { type?: unknown }).type));
    return [note(`must be ${[...new Set(types)].join(' or ')}`)];
  }
  const discriminators = all.map((list) => list.find((error) => error.keyword === 'const' || error.keyword === 'enum'));
  const first = discriminators[0];
  if (first && discriminators.every((error) => error?.instancePath === first.instancePath)) {
    const allowed = discriminators.flatMap((error) => {
      const params = error?.params as { allowedValue?: unknown; allowedValues?: unknown[] };
      return error?.keyword === 'const' ? [params.allowedValue] : (params.allowedValues ?? []);
    });
    return [note(`must be one of: ${listValues(allowed)}`, first.instancePath)];
  }
  return [note('does not match any of the allowed alternatives')];
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

function root(pointer: string): string {
  return pointer === '' ? '/' : pointer;
}

function child(pointer: string, key: string): string {
  return `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function typeNames(type: unknown): string[] {
  if (Array.isArray(type)) return type.map(String);
  return String(type).split(',');
}

function listValues(values: unknown): string {
  if (!Array.isArray(values)) return showValue(values);
  return [...new Set(values.map(showValue))].join(', ');
}

function showValue(value: unknown): string {
  return typeof value === 'string' ? value : stringifyExactJson(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
