// Owns the apply document's schema as the API shows it: schemas/workspace-apply.schema.json with its
// `#/definitions/…` references written out in place (an OpenAPI document has no `definitions` of its own to point
// into), for the body of POST /apply and the answer of GET /export.
import { Type, type TSchema } from 'typebox';

let inlined: TSchema | undefined;

export function applyDocumentSchema(fileSchema: Record<string, unknown>): TSchema {
  if (inlined) return inlined;
  const definitions = (fileSchema['definitions'] ?? {}) as Record<string, unknown>;
  const { $schema: _schema, $id: _id, definitions: _definitions, ...root } = fileSchema;
  inlined = Type.Unsafe(resolve(root, definitions, []) as Record<string, unknown>);
  return inlined;
}

function resolve(value: unknown, definitions: Record<string, unknown>, seen: string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => resolve(item, definitions, seen));
  if (typeof value !== 'object' || value === null) return value;
  const ref = (value as { $ref?: unknown }).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/definitions/')) {
    const name = ref.slice('#/definitions/'.length);
    if (seen.includes(name)) throw new Error(`the apply schema's definition ${name} refers to itself`);
    return resolve(definitions[name], definitions, [...seen, name]);
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolve(item, definitions, seen)]));
}
