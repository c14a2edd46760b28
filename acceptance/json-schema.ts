// Owns the questions the acceptance tests ask about a connector's JSON Schemas (a spec's
// connectionSpecification, a stream's json_schema): is it a valid draft-07 schema that compiles, is its top
// level an object, does a field path exist in it, and what type does a field have.
import { Ajv } from 'ajv';

type Schema = Record<string, unknown>;

// Its own instance: the runtime's validators forgive schemas; here the schema itself is under test.
let ajv: Ajv | undefined;

/** Why `schema` is not a usable draft-07 JSON Schema, or undefined when it is one. */
export function schemaProblem(schema: unknown): string | undefined {
  if (!isSchema(schema)) return 'is not a JSON object';
  ajv ??= new Ajv({ strict: false, allErrors: true, logger: false, addUsedSchema: false, validateFormats: false });
  const checked = withoutUnknownMetaSchema(ajv, schema);
  if (!ajv.validateSchema(checked)) {
    const errors = (ajv.errors ?? []).slice(0, 3).map((error) => `${error.instancePath || '/'} ${error.message ?? error.keyword}`);
    return `is not a valid draft-07 JSON Schema: ${errors.join('; ')}`;
  }
  try {
    ajv.compile(checked);
  } catch (error) {
    return `does not compile: ${(error as Error).message}`;
  }
  return undefined;
}

/** The `type` of a schema as a list (empty when it declares none). */
export function typesOf(schema: unknown): string[] {
  if (!isSchema(schema)) return [];
  const type = schema['type'];
  if (typeof type === 'string') return [type];
  return Array.isArray(type) ? type.filter((item): item is string => typeof item === 'string') : [];
}

export function isObjectSchema(schema: unknown): boolean {
  return typesOf(schema).includes('object');
}

/**
 * The sub-schema that describes the field at `path` (declared under `properties`, possibly inside a
 * oneOf/anyOf/allOf variant), or undefined when the schema does not declare it.
 */
export function schemaAtPath(schema: unknown, path: readonly string[]): Schema | undefined {
  let current: Schema[] = isSchema(schema) ? [schema] : [];
  for (const key of path) {
    const next: Schema[] = [];
    for (const node of current.flatMap(withVariants)) {
      const properties = node['properties'];
      const child = isSchema(properties) ? properties[key] : undefined;
      if (isSchema(child)) next.push(child);
    }
    if (next.length === 0) return undefined;
    current = next;
  }
  return current[0];
}

function withVariants(schema: Schema): Schema[] {
  const variants = ['oneOf', 'anyOf', 'allOf'].flatMap((keyword) => {
    const list = schema[keyword];
    return Array.isArray(list) ? list.filter(isSchema) : [];
  });
  return [schema, ...variants.flatMap(withVariants)];
}

/** A schema declaring a meta-schema ajv does not know (draft-04, say) is checked as draft-07. */
function withoutUnknownMetaSchema(instance: Ajv, schema: Schema): Schema {
  const declared = schema['$schema'];
  if (typeof declared !== 'string' || instance.getSchema(declared)) return schema;
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
