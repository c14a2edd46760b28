// Owns planning a connection's mappers against its configured catalog, before anything runs: every stream and step
// checked (one `mapper.invalid` error naming the stream, step and field of the first problem), each step compiled
// once into a closure, and the configured catalog the destination gets (mapped json_schema, primary key, cursor).
// Streams are keyed as the definition keys them: `name`, or `namespace.name` for a stream with a namespace.
import type { ConfiguredAirbyteCatalog, ConfiguredAirbyteStream } from '../../protocol/types.generated.js';
import { describeStream } from '../../protocol/state.js';
import { SluiceError } from '../errors.js';
import type { CompiledStep } from './compiled-step.js';
import { FieldIds } from './span-record.js';
import { SchemaShape } from './schema-shape.js';
import { isPlainObject, listed, StepSite } from './step-definition.js';
import { compileEncrypt } from './steps/encrypt.js';
import { compileExpression } from './steps/expression.js';
import { compileFilter } from './steps/filter.js';
import { compileHash } from './steps/hash.js';
import { compileRename } from './steps/rename.js';
import { compileSelect } from './steps/select.js';
import { StreamMapper } from './stream-mapper.js';
import type { MappersDefinition, MapperStepType, OnError } from './types.js';

export interface MapperPlan {
  /** The configured catalog the destination gets; stream names unchanged. */
  catalog: ConfiguredAirbyteCatalog;
  /** The mapper of a stream (keyed as in the definition); undefined for a stream without steps (raw relay). */
  forStream(key: string): StreamMapper | undefined;
}

const COMPILERS: Record<MapperStepType, (site: StepSite, shape: SchemaShape, fields: FieldIds) => CompiledStep> = {
  select: compileSelect,
  rename: compileRename,
  hash: compileHash,
  encrypt: compileEncrypt,
  filter: compileFilter,
  expression: compileExpression,
};
const STEP_TYPES = Object.keys(COMPILERS);
const POLICIES: readonly OnError[] = ['fail', 'skip'];

export function planMappers(catalog: ConfiguredAirbyteCatalog, mappers: MappersDefinition | undefined): MapperPlan {
  if (mappers === undefined || mappers === null) return { catalog, forStream: () => undefined };
  if (!isPlainObject(mappers)) throw invalid('mappers must be an object keyed by stream');
  const byKey = new Map(catalog.streams.map((configured) => [describeStream(configured.stream), configured]));
  for (const key of Object.keys(mappers)) {
    if (!byKey.has(key)) throw invalid(`mappers for stream ${key}: the catalog has no such stream (it has: ${[...byKey.keys()].join(', ') || 'no streams'})`);
  }
  const mappersByStream = new Map<string, StreamMapper>();
  const streams = catalog.streams.map((configured) => {
    const key = describeStream(configured.stream);
    if (!Object.hasOwn(mappers, key)) return configured;
    const planned = planStream(key, configured, mappers[key]);
    if (planned.mapper) mappersByStream.set(key, planned.mapper);
    return planned.configured;
  });
  return { catalog: { ...catalog, streams }, forStream: (key) => mappersByStream.get(key) };
}

function planStream(key: string, configured: ConfiguredAirbyteStream, definition: unknown): { configured: ConfiguredAirbyteStream; mapper?: StreamMapper } {
  if (!isPlainObject(definition)) throw invalid(`mappers for stream ${key} must be an object with steps`);
  for (const property of Object.keys(definition)) {
    if (property !== 'steps' && property !== 'on_error') throw invalid(`mappers for stream ${key}: unknown property ${property} (expected on_error and steps)`);
  }
  const onError = definition['on_error'] ?? 'fail';
  if (!POLICIES.includes(onError as OnError)) throw invalid(`mappers for stream ${key}: on_error must be fail or skip`);
  const steps = definition['steps'];
  if (!Array.isArray(steps)) throw invalid(`mappers for stream ${key}: steps must be a list`);
  if (steps.length === 0) return { configured };
  const shape = new SchemaShape(configured);
  const fields = new FieldIds();
  const compiled = steps.map((step, index) => {
    const type = isPlainObject(step) ? step['type'] : undefined;
    if (typeof type !== 'string' || !Object.hasOwn(COMPILERS, type)) {
      const problem = typeof type === 'string' ? `unknown type ${type}` : 'a step must be an object with a type';
      throw invalid(`${key} step ${index + 1}: ${problem} (the types are ${listed(STEP_TYPES)})`);
    }
    return COMPILERS[type as MapperStepType](new StepSite(key, index + 1, type, step as Record<string, unknown>, onError === 'skip'), shape, fields);
  });
  return { configured: shape.configure(configured), mapper: new StreamMapper(key, compiled, onError as OnError, fields) };
}

function invalid(message: string): SluiceError {
  return new SluiceError('mapper.invalid', message);
}
