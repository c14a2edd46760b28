// Owns fitting a connection's mappers to the catalog a propagated schema change gives it (docs/mappers.md, "When
// the source's schema changes"): the mappers of a stream the catalog no longer has are dropped, each with a warning
// naming the stream; the others are planned against the new catalog, and one that no longer fits (a field the
// source removed) is one mapper.invalid error naming the change, the stream, the step and the field, so the job
// fails before the change is stored rather than leave a connection whose mappers cannot run.
import type { ConfiguredAirbyteCatalog } from '../../protocol/types.generated.js';
import { describeStream } from '../../protocol/state.js';
import { isSluiceError, SluiceError } from '../../runtime/errors.js';
import { planMappers, type MappersDefinition } from '../../runtime/mappers/index.js';

export interface FittedMappers {
  mappers: MappersDefinition | null;
  /** One per stream whose mappers were dropped. */
  warnings: string[];
}

export function fitMappersToPropagation(connectionName: string, catalog: ConfiguredAirbyteCatalog, mappers: MappersDefinition | null, change: string): FittedMappers {
  if (mappers === null) return { mappers, warnings: [] };
  const streams = new Set(catalog.streams.map((configured) => describeStream(configured.stream)));
  const kept: MappersDefinition = {};
  const warnings: string[] = [];
  for (const [stream, definition] of Object.entries(mappers)) {
    if (streams.has(stream)) {
      kept[stream] = definition;
      continue;
    }
    const steps = Array.isArray(definition?.steps) ? definition.steps.length : 0;
    warnings.push(`stream ${stream} is no longer offered by the source: the schema change policy (propagate) removed it from the connection, and its mappers (${steps} ${steps === 1 ? 'step' : 'steps'}) with it`);
  }
  const fitted = Object.keys(kept).length === 0 ? null : kept;
  try {
    planMappers(catalog, fitted ?? undefined);
  } catch (error) {
    if (!isSluiceError(error) || error.code !== 'mapper.invalid') throw error;
    throw new SluiceError('mapper.invalid', `the source's schema changed (${change}) and the connection's mappers do not fit it: ${error.message}`, {
      cause: error,
      hint: `change the mappers, e.g. sluice connection update ${connectionName} --clear-maps STREAM --map …, then sync again`,
    });
  }
  return { mappers: fitted, warnings };
}
