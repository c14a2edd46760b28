// The source tree's dependencies point one way: cli → control → runtime → protocol, connectors → protocol (the kit
// imports protocol/ only), acceptance → runtime → protocol. These tests scan every import and name each arrow
// pointing the other way.
import { describe, expect, it } from 'vitest';
import { checkFile, checkTree, describeViolation, layeredFiles, repoRoot, scanImports } from './layer-rules.js';

describe('the import scanner', () => {
  it('finds static imports, re-exports and import() with a string literal, with their lines', () => {
    const source = [
      "import { a } from './a.js';",
      "import type { B } from '../b.js';",
      "export { c } from './c.js';",
      "export * from './d.js';",
      "import './side-effect.js';",
      'async function f() {',
      "  return import('./lazy.js');",
      '}',
    ].join('\n');
    expect(scanImports(source)).toEqual([
      { specifier: './a.js', line: 1 },
      { specifier: '../b.js', line: 2 },
      { specifier: './c.js', line: 3 },
      { specifier: './d.js', line: 4 },
      { specifier: './side-effect.js', line: 5 },
      { specifier: './lazy.js', line: 7 },
    ]);
  });

  it('names the file, line and forbidden target of an arrow against the direction', () => {
    const source = ["import { x } from '../protocol/state.js';", '', "import { openStore } from '../control/store/open-store.js';"].join('\n');
    const violations = checkFile('runtime/relay.ts', source);
    expect(violations.map(describeViolation)).toEqual([
      "runtime/relay.ts:3 imports '../control/store/open-store.js' (control/store/open-store.js), against the layering",
    ]);
  });

  it('catches a dynamic import upward, the kit importing the runtime, and vitest in production code', () => {
    expect(checkFile('protocol/state.ts', "const m = await import('../runtime/errors.js');")).toHaveLength(1);
    expect(checkFile('connectors/kit/source.ts', "import { a } from '../../runtime/errors.js';")).toHaveLength(1);
    expect(checkFile('connectors/kit/source.ts', "export { b } from '../source-faker/users.js';")).toHaveLength(1);
    expect(checkFile('control/api/app.ts', "import { it } from 'vitest';")).toHaveLength(1);
    expect(checkFile('connectors/source-faker/main.ts', "import { runSource } from '../kit/index.js';")).toEqual([]);
    expect(checkFile('cli/commands/sync.ts', "import { runSync } from '../../runtime/sync/run-sync.js';")).toEqual([]);
    expect(checkFile('acceptance/suite.ts', "import { it } from 'vitest';")).toEqual([]);
    expect(checkFile('web/src/pages/Overview.tsx', "import type { Job } from '../../../control/store/types.js';")).toHaveLength(1);
    expect(checkFile('web/src/pages/Overview.tsx', "import { get } from '../api';")).toEqual([]);
  });

  it('keeps databases and HTTP out of the engine', () => {
    expect(checkFile('runtime/sync/run-sync.ts', "import pg from 'pg';").map(describeViolation)).toEqual([
      "runtime/sync/run-sync.ts:1 imports 'pg' (pg (a database or HTTP module)), against the layering",
    ]);
    expect(checkFile('runtime/relay.ts', "import { createServer } from 'node:http';")).toHaveLength(1);
    expect(checkFile('runtime/relay.ts', "import Fastify from 'fastify';")).toHaveLength(1);
    expect(checkFile('protocol/exact-json.ts', "import fastifyStatic from '@fastify/static';")).toHaveLength(1);
    expect(checkFile('control/api/app.ts', "import Fastify from 'fastify';")).toEqual([]);
    expect(checkFile('control/api/app.ts', "import { Validator } from '@seriousme/openapi-schema-validator';")).toHaveLength(1);
    expect(checkFile('control/store/postgres-driver.ts', "import pg from 'pg';")).toEqual([]);
    expect(checkFile('connectors/source-postgres/main.ts', "import pg from 'pg';")).toEqual([]);
  });
});

describe('the source tree', () => {
  it('scans every layered folder', () => {
    const files = layeredFiles(repoRoot);
    for (const layer of ['protocol/', 'runtime/', 'control/', 'acceptance/', 'cli/', 'connectors/kit/', 'web/src/']) {
      expect(files.some((file) => file.startsWith(layer))).toBe(true);
    }
  });

  it('has no import against the direction cli → control → runtime → protocol ← connectors, acceptance → runtime', () => {
    expect(checkTree(repoRoot).map(describeViolation)).toEqual([]);
  });
});
