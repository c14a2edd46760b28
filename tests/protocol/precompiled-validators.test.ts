// The build's precompiled protocol validators (scripts/precompile-validators.mjs) answer exactly as the ones
// protocol/validators.ts compiles at run time from the schema: same verdicts, same issues, in the same order.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/cli.js';
import { validateDefinition as compiledAtRunTime } from '../../protocol/validators.js';
import { validateDefinition as fromTheBuild } from '../../dist/protocol/validators.js';

const stream = { name: 'users', json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh'] };
const catalogs: Array<[string, unknown]> = [
  ['a valid catalog', { streams: [{ stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite', cursor_field: ['id'], primary_key: [['id']] }] }],
  ['a catalog without streams', {}],
  ['a stream missing its fields and with a wrong mode', { streams: [{ stream: { name: 1 }, sync_mode: 'sometimes' }] }],
  ['a primary key that is not a list of paths', { streams: [{ stream, sync_mode: 'full_refresh', destination_sync_mode: 'append', primary_key: ['id'] }] }],
  ['not an object', 'catalog'],
];

describe('precompiled protocol validators', () => {
  it('are in the build', () => {
    expect(existsSync(join(repoRoot, 'dist/protocol/precompiled-validators.generated.cjs'))).toBe(true);
    expect(fromTheBuild('ConfiguredAirbyteCatalog', {})).toEqual([{ pointer: '/streams', message: 'is required' }]);
  });

  it.each(catalogs)('judge %s as the validator compiled at run time does', (_name, catalog) => {
    expect(fromTheBuild('ConfiguredAirbyteCatalog', catalog)).toEqual(compiledAtRunTime('ConfiguredAirbyteCatalog', catalog));
  });
});
