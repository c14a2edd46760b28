// Tests that protocol/types.generated.ts is exactly what the generator makes from the schema today,
// so the TypeScript types cannot drift from schemas/airbyte-protocol.schema.json.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const committedPath = join(repoRoot, 'protocol', 'types.generated.ts');
const schemaPath = join(repoRoot, 'schemas', 'airbyte-protocol.schema.json');
const workDir = mkdtempSync(join(tmpdir(), 'sluice-types-'));

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function generate(): string {
  const output = join(workDir, 'types.generated.ts');
  execFileSync(process.execPath, [join(repoRoot, 'scripts', 'generate-types.mjs'), output], { cwd: repoRoot, stdio: 'pipe' });
  return readFileSync(output, 'utf8');
}

describe('protocol/types.generated.ts', () => {
  const committed = readFileSync(committedPath, 'utf8');

  it('matches a fresh run of the generator (run `npm run generate:types` if this fails)', () => {
    expect(generate()).toBe(committed);
  });

  it('exports a type for every schema definition, named after it', () => {
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as { definitions: Record<string, { title?: string }> };
    const exported = new Set([...committed.matchAll(/^export (?:interface|type) (\w+)/gm)].map((match) => match[1]));
    for (const [name, definition] of Object.entries(schema.definitions)) {
      expect(definition.title, `title of ${name}`).toBe(name);
      expect(exported.has(name), `export of ${name}`).toBe(true);
    }
    expect(exported.has('ProtocolDefinitionName')).toBe(true);
    expect(exported.size).toBe(Object.keys(schema.definitions).length + 1);
  });

  it('says it is generated', () => {
    expect(committed.split('\n')[0]).toMatch(/GENERATED FILE, DO NOT EDIT/);
    expect(committed).toContain('npm run generate:types');
  });
});
