// A PostgreSQL connector's start-up: loading node-postgres through the kit must not load Node's HTTP stack (pg's
// Cloudflare probe builds a fetch Response where Node has no `navigator`, ~50 ms of every connector start), and must
// leave the global scope as it found it.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

const connectionModule = fileURLToPath(new URL('../../dist/connectors/kit/postgres/connection.js', import.meta.url));

describe('kit: loading node-postgres', () => {
  it('loads no HTTP, TLS or fetch module and leaves no navigator behind', async () => {
    const script = `
      const { connectPostgres } = await import(${JSON.stringify(connectionModule)});
      const loaded = process.moduleLoadList.filter((name) => /^NativeModule (http|https|http2|tls|zlib|internal\\/deps\\/undici)/.test(name));
      console.log(JSON.stringify({ loaded, navigator: typeof globalThis.navigator, connect: typeof connectPostgres }));`;
    const result = await execa(process.execPath, ['--input-type=module', '-e', script]);
    expect(JSON.parse(result.stdout)).toEqual({ loaded: [], navigator: 'undefined', connect: 'function' });
  });
});
