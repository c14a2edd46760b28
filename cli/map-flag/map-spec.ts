// Owns the `--map SPEC` flag of `sluice connection create|update`: one mapper step (or a stream's error policy) per
// flag, added to the stream's steps in the order given. The forms:
//   STREAM:select(id,email,updated_at)            STREAM:rename(name=full_name)
//   STREAM:hash(email[,sha512|md5][,new][,salt=env:VAR|file:PATH])
//   STREAM:encrypt(ssn,key=env:VAR|file:PATH)      STREAM:filter(keep|drop CONDITION)   (filter-condition.ts)
//   STREAM:expression(FIELD=JSONATA) or expression(JSONATA) for the whole record        STREAM:on-error=fail|skip
// A salt or key is read from an environment variable or a file, never written on the command line: argv is visible
// to the other users of the machine. Each error names the flag and the column (1-based, in SPEC) of the problem.
import { readSecretSource } from '../secret-source.js';
import { SluiceError } from '../../runtime/errors.js';
import type { HashStep, MapperStep, MappersDefinition, OnError } from '../../runtime/mappers/index.js';
import { ConditionError, parseCondition } from './filter-condition.js';

export type MapSpec = { stream: string; step: MapperStep } | { stream: string; onError: OnError };

const FIELD = /^[^\s,()=]+$/;

/** One `--map` value as a step of a stream; `env` supplies env:VAR secrets. */
export function parseMapSpec(spec: string, env: NodeJS.ProcessEnv = process.env): MapSpec {
  const fail = (message: string, column: number): never => {
    throw new SluiceError('cli.usage', `--map ${JSON.stringify(spec)}: at column ${column}: ${message}`, { hint: 'see: sluice connection create --help' });
  };
  const colon = spec.indexOf(':');
  if (colon <= 0) fail('expected STREAM:STEP(...), e.g. users:hash(email)', 1);
  const stream = spec.slice(0, colon);
  const rest = spec.slice(colon + 1);
  const start = colon + 2; // the column of rest[0]
  const policy = /^on-error=(.*)$/.exec(rest);
  if (policy) {
    if (policy[1] !== 'fail' && policy[1] !== 'skip') fail(`on-error must be fail or skip, not ${JSON.stringify(policy[1])}`, start + 'on-error='.length);
    return { stream, onError: policy[1] as OnError };
  }
  const call = /^([a-z-]+)\((.*)\)$/s.exec(rest);
  if (!call) fail('expected a step as TYPE(ARGUMENTS): select, rename, hash, encrypt, filter, expression, or on-error=fail|skip', start);
  const [, type, body] = call!;
  const bodyColumn = start + type!.length + 1;
  const args = splitArguments(body!, bodyColumn);
  const field = (arg: Argument, what = 'a field name') => (FIELD.test(arg.text) ? arg.text : fail(`expected ${what}, found ${JSON.stringify(arg.text)}`, arg.column));
  switch (type) {
    case 'select':
      if (args.length === 0 || args.some((arg) => arg.text === '')) fail('select needs field names separated by commas', bodyColumn);
      return { stream, step: { type: 'select', fields: args.map((arg) => field(arg)) } };
    case 'rename': {
      const pair = /^([^=]+)=(.+)$/.exec(body!.trim());
      if (args.length !== 1 || !pair) fail('rename takes FIELD=NEW_NAME', bodyColumn);
      return { stream, step: { type: 'rename', field: field({ text: pair![1]!.trim(), column: args[0]!.column }, 'a field name before ='), to: field({ text: pair![2]!.trim(), column: bodyColumn + body!.indexOf('=') + 1 }, 'a new name after =') } };
    }
    case 'hash': {
      const [first, ...options] = args;
      if (!first || first.text === '') fail('hash needs the field: hash(FIELD[,sha256|sha512|md5][,new][,salt=env:VAR|file:PATH])', bodyColumn);
      const step: HashStep = { type: 'hash', field: field(first!) };
      for (const option of options) {
        if (option.text === 'sha256' || option.text === 'sha512' || option.text === 'md5') step.algorithm = option.text;
        else if (option.text === 'new' || option.text === 'replace') step.target = option.text;
        else if (option.text.startsWith('salt=')) step.salt = readSecret(option.text.slice(5), 'salt', option.column + 5, env, fail);
        else fail(`unknown hash option ${JSON.stringify(option.text)} (expected sha256, sha512, md5, new, or salt=env:VAR|file:PATH)`, option.column);
      }
      return { stream, step };
    }
    case 'encrypt': {
      const key = args[1];
      if (args.length !== 2 || !key!.text.startsWith('key=')) fail('encrypt takes FIELD,key=env:VAR|file:PATH', bodyColumn);
      return { stream, step: { type: 'encrypt', field: field(args[0]!), key: readSecret(key!.text.slice(4), 'key', key!.column + 4, env, fail) } };
    }
    case 'filter': {
      const mode = /^\s*(keep|drop)\s+/.exec(body!);
      if (!mode) fail('filter takes keep CONDITION or drop CONDITION', bodyColumn);
      const text = body!.slice(mode![0].length);
      try {
        return { stream, step: { type: 'filter', [mode![1]!]: parseCondition(text) } as MapperStep };
      } catch (error) {
        if (error instanceof ConditionError) return fail(error.message, bodyColumn + mode![0].length + error.offset);
        throw error;
      }
    }
    case 'expression': {
      const named = /^\s*([^\s,()=$]+)\s*=(?!=)/.exec(body!);
      const expression = (named ? body!.slice(named[0].length) : body!).trim();
      if (expression === '') fail('expression takes FIELD=JSONATA, or JSONATA for the whole record', bodyColumn);
      return { stream, step: { type: 'expression', ...(named ? { field: named[1]! } : {}), expression } };
    }
    default:
      return fail(`unknown step ${type} (expected select, rename, hash, encrypt, filter, expression, or on-error=fail|skip)`, start);
  }
}

/** Adds each `--map` to `mappers` (a copy), in order; `clear` (streams, or all) empties streams first. */
export function applyMapSpecs(mappers: MappersDefinition | null, specs: readonly string[], clear: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): MappersDefinition | null {
  const result: MappersDefinition = clear.includes('all') ? {} : structuredClone(mappers ?? {});
  for (const stream of clear) delete result[stream];
  for (const spec of specs) {
    const parsed = parseMapSpec(spec, env);
    const current = (result[parsed.stream] ??= { steps: [] });
    if ('step' in parsed) current.steps.push(parsed.step);
    else current.on_error = parsed.onError;
  }
  return Object.keys(result).length === 0 ? null : result;
}

interface Argument {
  text: string;
  column: number;
}

/** Comma-separated arguments, trimmed, each with its column. */
function splitArguments(body: string, column: number): Argument[] {
  if (body.trim() === '') return [];
  const args: Argument[] = [];
  let offset = 0;
  for (const part of body.split(',')) {
    const lead = part.length - part.trimStart().length;
    args.push({ text: part.trim(), column: column + offset + lead });
    offset += part.length + 1;
  }
  return args;
}

function readSecret(source: string, what: string, column: number, env: NodeJS.ProcessEnv, fail: (message: string, column: number) => never): string {
  const read = readSecretSource(source, env);
  if ('value' in read) return read.value;
  return fail(read.named ? `${what}=${source}: ${read.problem}` : `${what} ${read.problem}`, column);
}
