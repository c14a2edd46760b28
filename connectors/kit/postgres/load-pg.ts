// Owns loading node-postgres for the connectors. pg decides, once as it loads, whether it runs in a Cloudflare
// Worker: where the runtime has no `navigator` (Node 20) it builds a fetch `Response` to find out, and that loads
// undici with http, http2, tls and zlib, about 50 ms of CPU at every start of a PostgreSQL connector that will never
// use any of them. A `navigator` that says Node.js, present only while pg loads, answers the question directly.
import { createRequire } from 'node:module';
import type pg from 'pg';

const require = createRequire(import.meta.url);

function loadPg(): typeof pg {
  if ('navigator' in globalThis) return require('pg') as typeof pg;
  Object.defineProperty(globalThis, 'navigator', { value: { userAgent: `Node.js/${process.versions.node}` }, configurable: true });
  try {
    return require('pg') as typeof pg;
  } finally {
    delete (globalThis as { navigator?: unknown }).navigator;
  }
}

export const nodePostgres = loadPg();
