// `sluice decrypt` restores what an encrypt mapper wrote: a real sync of source-faker with `name` encrypted into
// destination-local-json, then the stored values decrypted from arguments and from stdin back to faker's names.
// A wrong key, an altered value and a key written on the command line each fail in one line that never shows a key.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { errorLine, jsonFile } from '../support/cli.js';
import { rows, workspace } from '../support/workspace.js';

const KEY = '3c'.repeat(32);
const OTHER_KEY = 'a7'.repeat(32);

describe('sluice decrypt', { timeout: 120_000 }, () => {
  it('turns encrypted fields back into the source values; refuses a wrong key or altered text without quoting a key', async () => {
    const ws = workspace({ KEY, OTHER_KEY });
    const plain = join(ws.dir, 'plain');
    const sealed = join(ws.dir, 'sealed');
    const faker = ['--source', 'source-faker', '--source-config', jsonFile(ws.dir, 'faker.json', { count: 3 }), '--destination', 'destination-local-json', '--streams', 'users'];
    const into = (dir: string, name: string) => ['--destination-config', jsonFile(ws.dir, name, { destination_path: dir })];
    expect((await ws.run(['sync', ...faker, ...into(plain, 'plain.json')])).exitCode).toBe(0);
    const mappers = jsonFile(ws.dir, 'mappers.json', { users: { steps: [{ type: 'encrypt', field: 'name', key: KEY }] } });
    const synced = await ws.run(['sync', ...faker, ...into(sealed, 'sealed.json'), '--mappers', mappers]);
    expect(synced.exitCode).toBe(0);

    const names = rows(plain, 'users').map((row) => row.name as string);
    const encrypted = rows(sealed, 'users').map((row) => row.name as string);
    expect(encrypted.every((value) => value.startsWith('v1:'))).toBe(true);
    expect(encrypted).not.toEqual(names);

    const fromArgs = await ws.run(['decrypt', '--key', 'env:KEY', '--raw', ...encrypted]);
    expect([fromArgs.exitCode, fromArgs.stdout.split('\n')]).toEqual([0, names]);
    const fromStdin = await ws.run(['decrypt', '--key', 'env:KEY'], { input: `${encrypted.join('\n')}\n` });
    expect(fromStdin.stdout.split('\n')).toEqual(names.map((name) => JSON.stringify(name)));

    const wrongKey = await ws.run(['decrypt', '--key', 'env:OTHER_KEY', encrypted[0]!]);
    expect([wrongKey.exitCode, errorLine(wrongKey.stderr)]).toEqual([2, 'sluice: mapper.decrypt_failed: value 1: cannot decrypt: the key is not the one it was encrypted with, or the value was altered']);
    const altered = `${encrypted[1]!.slice(0, -6)}AAAAAA`;
    const tampered = await ws.run(['decrypt', '--key', 'env:KEY'], { input: `${encrypted[0]}\n${altered}\n` });
    expect([tampered.exitCode, errorLine(tampered.stderr)]).toEqual([2, 'sluice: mapper.decrypt_failed: stdin line 2: cannot decrypt: the key is not the one it was encrypted with, or the value was altered']);
    const literal = await ws.run(['decrypt', '--key', KEY, encrypted[0]!]);
    expect([literal.exitCode, errorLine(literal.stderr)]).toEqual([2, 'sluice: cli.usage: --key must be env:VAR or file:PATH (a value on the command line is visible to other users)']);
    for (const result of [wrongKey, tampered, literal]) {
      expect(result.stdout + result.stderr).not.toContain(KEY);
      expect(result.stdout + result.stderr).not.toContain(OTHER_KEY);
    }
  });
});
