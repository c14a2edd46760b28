#!/usr/bin/env node
// Owns source-file: one stream from CSV, JSON lines or a JSON array, read from a local path, a glob of paths or an
// http(s) URL, gzip-compressed or not, with a schema inferred from the first rows; incremental by `cursor_field`.
import { runSource } from '../kit/source.js';
import { spec, type FileConfig } from './config.js';
import { fileStream } from './file-stream.js';

await runSource<FileConfig>({
  spec,
  async check(config) {
    try {
      await fileStream(config);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  },
  streams: async (config) => [await fileStream(config)],
});
