#!/usr/bin/env node
// A source written with the kit, as the README shows: the files of a directory, incremental by modification time.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runSource } from '../../kit/index.js';

interface Config {
  path: string;
}

await runSource<Config>({
  spec: {
    connectionSpecification: {
      type: 'object',
      required: ['path'],
      properties: { path: { type: 'string', format: 'path', description: 'the directory to list' } },
    },
  },
  async check({ path }) {
    if (!(await stat(path).catch(() => undefined))?.isDirectory()) return `${path} is not a directory`;
  },
  streams: [
    {
      name: 'files',
      primaryKey: 'name',
      cursorField: 'modified_at',
      schema: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          bytes: { type: 'integer' },
          modified_at: { type: 'string', format: 'date-time' },
        },
      },
      async *read({ config }) {
        for (const name of (await readdir(config.path)).sort()) {
          const info = await stat(join(config.path, name));
          if (info.isFile()) yield { name, bytes: info.size, modified_at: info.mtime.toISOString() };
        }
      },
    },
  ],
});
