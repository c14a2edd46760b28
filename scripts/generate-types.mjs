// Owns generating protocol/types.generated.ts from schemas/airbyte-protocol.schema.json.
// Usage: node scripts/generate-types.mjs [output-path]   (default: protocol/types.generated.ts)
// Every definition becomes an exported type named after its `title` (which equals its definition name).
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { compile } from 'json-schema-to-typescript';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const schemaPath = resolve(repoRoot, 'schemas/airbyte-protocol.schema.json');
const defaultOutput = resolve(repoRoot, 'protocol/types.generated.ts');

const BANNER = `// GENERATED FILE, DO NOT EDIT.
// Generated from schemas/airbyte-protocol.schema.json by scripts/generate-types.mjs.
// To change these types, edit the schema and run \`npm run generate:types\`.`;

const OPTIONS = {
  bannerComment: '',
  declareExternallyReferenced: false,
  additionalProperties: true,
  strictIndexSignatures: false,
  // supported_sync_modes has minItems: 1; keep it a plain array type rather than a tuple.
  ignoreMinAndMaxItems: true,
  unknownAny: true,
  format: true,
  style: { singleQuote: true, printWidth: 120, trailingComma: 'all' },
  cwd: resolve(repoRoot, 'schemas'),
};

/** Returns the TypeScript source for the protocol schema. */
export async function generateTypes() {
  const schema = JSON.parse(await readFile(schemaPath, 'utf8'));
  checkTitles(schema);
  // One compile per definition, each declaring only its own type; references to other definitions stay by name.
  const parts = [];
  for (const [name, definition] of Object.entries(schema.definitions)) {
    const root = { ...definition, definitions: schema.definitions };
    parts.push(await compile(root, name, OPTIONS));
  }
  parts.push(definitionNamesType(Object.keys(schema.definitions)));
  return `${BANNER}\n\n${parts.map((part) => part.trim()).join('\n\n')}\n`;
}

/** A union of every definition name, so callers of validateDefinition get checked names. */
function definitionNamesType(names) {
  const members = names.map((name) => `  | '${name}'`).join('\n');
  return `/**\n * The name of every definition in the protocol schema.\n */\nexport type ProtocolDefinitionName =\n${members};`;
}

/** Generated names come from titles; a missing or different title would silently rename an exported type. */
function checkTitles(schema) {
  for (const [name, definition] of Object.entries(schema.definitions ?? {})) {
    if (definition.title !== name) {
      throw new Error(`definition ${name} must have "title": "${name}" (has ${JSON.stringify(definition.title)})`);
    }
  }
}

async function main() {
  const output = process.argv[2] ? resolve(process.argv[2]) : defaultOutput;
  await writeFile(output, await generateTypes());
  process.stdout.write(`wrote ${output}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
