// Owns reading a `sluice apply` file: YAML (or JSON) parsed with node positions, checked against our own
// schemas/workspace-apply.schema.json (compiled once), then `${VAR}` replaced from the environment. Every
// problem is one error naming the file, the line and the key: an unknown key is an error, never ignored, so a
// misspelt `shedule:` cannot pass for a connection without a schedule.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { DestinationSyncMode, SyncMode } from '../../protocol/types.generated.js';
import { SluiceError } from '../../runtime/errors.js';
import type { ConnectionStatus, SchemaChangePolicy } from '../store/records.js';
import type { MappersDefinition } from '../../runtime/mappers/index.js';
import { WORKER_LABEL_RULE } from '../jobs/worker-label.js';

export interface StreamDefinition {
  name: string;
  namespace?: string;
  syncMode?: SyncMode;
  destinationSyncMode?: DestinationSyncMode;
  cursorField?: string[];
  primaryKey?: string[][];
}

export interface ActorItem {
  name: string;
  connector: string;
  config?: Record<string, unknown>;
}

export interface ConnectionItem {
  name: string;
  source: string;
  destination: string;
  streams?: Array<string | StreamDefinition>;
  schedule?: string | null;
  namespace?: string | null;
  streamPrefix?: string;
  schemaChangePolicy?: SchemaChangePolicy;
  status?: ConnectionStatus;
  mappers?: MappersDefinition | null;
  workerLabel?: string | null;
}

export interface DefinitionsDocument {
  sources?: ActorItem[];
  destinations?: ActorItem[];
  connections?: ConnectionItem[];
}

const SCHEMA_FILE = join('schemas', 'workspace-apply.schema.json');
let validator: ValidateFunction | undefined;

let schema: Record<string, unknown> | undefined;

/** schemas/workspace-apply.schema.json: the one definition of an apply document (the API's OpenAPI shows it too). */
export function workspaceApplySchema(): Record<string, unknown> {
  schema ??= JSON.parse(readFileSync(findSchemaFile(), 'utf8')) as Record<string, unknown>;
  return schema;
}

export function parseDefinitions(text: string, where: string, env: NodeJS.ProcessEnv = process.env): DefinitionsDocument {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const syntax = document.errors[0];
  if (syntax) {
    const line = lines.linePos(syntax.pos[0]).line;
    throw new SluiceError('apply.invalid', `${where}:${line}: not valid YAML: ${syntax.message.split('\n')[0]}`, { cause: syntax });
  }
  const value: unknown = document.toJS();
  if (value === null || value === undefined) return {};
  validator ??= new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true }).compile(workspaceApplySchema());
  if (!validator(value)) throw invalid(mostTelling(validator.errors ?? []), document, lines, where);
  checkUniqueNames(value as DefinitionsDocument, document, lines, where);
  return substitute(value, where, env, '') as DefinitionsDocument;
}

/** The error that best says what to fix: an unknown or missing key before a wrong type, never "must match anyOf". */
function mostTelling(errors: ErrorObject[]): ErrorObject {
  const rank = (error: ErrorObject) => ['additionalProperties', 'required', 'enum', 'pattern', 'minLength', 'type'].indexOf(error.keyword) >>> 0;
  return [...errors].sort((a, b) => rank(a) - rank(b) || b.instancePath.length - a.instancePath.length)[0]!;
}

function invalid(error: ErrorObject, document: Document, lines: LineCounter, where: string): SluiceError {
  const path = pathOf(error.instancePath);
  const label = labelOf(path);
  const at = (offset: number | undefined) => `${where}:${lines.linePos(offset ?? 0).line}: ${label ? `${label}: ` : ''}`;
  const node = document.getIn(path, true) as Node | undefined;
  if (error.keyword === 'additionalProperties') {
    const key = String((error.params as { additionalProperty: string }).additionalProperty);
    const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
    const pair = isMap(node) ? node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === key) : undefined;
    const offset = pair && isScalar(pair.key) ? pair.key.range?.[0] : node?.range?.[0];
    const near = allowed.find((name) => distance(name.toLowerCase(), key.toLowerCase()) <= 2);
    return new SluiceError('apply.invalid', `${at(offset)}unknown key ${key}`, { hint: near ? `did you mean ${near}?` : `expected ${allowed.join(', ')}` });
  }
  if (error.keyword === 'required') {
    return new SluiceError('apply.invalid', `${at(node?.range?.[0])}"${(error.params as { missingProperty: string }).missingProperty}" is required`);
  }
  if (error.keyword === 'enum') {
    return new SluiceError('apply.invalid', `${at(node?.range?.[0])}must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`);
  }
  if (error.keyword === 'pattern' && path.at(-1) === 'name') {
    return new SluiceError('apply.invalid', `${at(node?.range?.[0])}use letters, digits, '.', '_' and '-' (at most 100), starting with a letter or digit`);
  }
  if (error.keyword === 'pattern' && path.at(-1) === 'workerLabel') {
    return new SluiceError('apply.invalid', `${at(node?.range?.[0])}${JSON.stringify(error.data)}: a worker label is ${WORKER_LABEL_RULE}`);
  }
  const message = error.instancePath === '' && error.keyword === 'type' ? 'expected a mapping with sources, destinations and connections' : error.message ?? 'is invalid';
  return new SluiceError('apply.invalid', `${at(node?.range?.[0])}${message}`);
}

function checkUniqueNames(value: DefinitionsDocument, document: Document, lines: LineCounter, where: string): void {
  for (const list of ['sources', 'destinations', 'connections'] as const) {
    const seen = new Set<string>();
    (value[list] ?? []).forEach((item, index) => {
      if (seen.has(item.name)) {
        const line = lines.linePos((document.getIn([list, index], true) as Node | undefined)?.range?.[0] ?? 0).line;
        throw new SluiceError('apply.invalid', `${where}:${line}: ${list}[${index}]: the name ${item.name} is used twice in ${list}`);
      }
      seen.add(item.name);
    });
  }
}

function pathOf(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~')).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** `connections[0].streams[1]`, the way the rest of the messages name a place in the file. */
function labelOf(path: Array<string | number>): string {
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
}

function substitute(value: unknown, where: string, env: NodeJS.ProcessEnv, path: string): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const found = env[name];
      if (found === undefined) throw new SluiceError('apply.invalid', `${where}: ${path} uses \${${name}}, but ${name} is not set`);
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => substitute(item, where, env, `${path}[${index}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, where, env, path ? `${path}.${key}` : key)]));
  }
  return value;
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** Walks up from this module (control/services/ in the sources, dist/control/services/ when built) to schemas/. */
function findSchemaFile(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; ) {
    if (existsSync(join(dir, SCHEMA_FILE))) return join(dir, SCHEMA_FILE);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find ${SCHEMA_FILE} in ${start} or any directory above it`);
    dir = parent;
  }
}
