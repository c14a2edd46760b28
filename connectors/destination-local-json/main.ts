#!/usr/bin/env node
// Owns destination-local-json: one JSON-lines file per stream in a directory (overwrite, append, append_dedup).
// Built on the kit: a STATE is echoed only after every record received before it is written and fsync'ed.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { runDestination } from '../kit/destination.js';
import { streamKey } from '../../protocol/state.js';
import { StreamFile } from './stream-file.js';

interface LocalJsonConfig {
  destination_path: string;
}

await runDestination<LocalJsonConfig>({
  spec: {
    documentationUrl: 'https://github.com/sluice-data/sluice#destination-local-json',
    supported_destination_sync_modes: ['overwrite', 'append', 'append_dedup'],
    connectionSpecification: {
      type: 'object',
      required: ['destination_path'],
      properties: {
        destination_path: { type: 'string', format: 'path', minLength: 1, description: 'directory that receives <stream>.jsonl files' },
      },
    },
  },
  async check(config) {
    try {
      await mkdir(config.destination_path, { recursive: true });
      return undefined;
    } catch (error) {
      return `cannot create ${config.destination_path}: ${(error as Error).message}`;
    }
  },
  async open(config, catalog) {
    await mkdir(config.destination_path, { recursive: true });
    const files = new Map<string, StreamFile>();
    for (const configured of catalog.streams) {
      const { name, namespace } = configured.stream;
      const file = new StreamFile(join(config.destination_path, fileName(name, namespace)), configured);
      await file.open();
      files.set(streamKey({ name, namespace }), file);
    }
    return {
      async write(stream, records) {
        const file = files.get(streamKey(stream.stream))!;
        for (const record of records) {
          await file.append(
            `{"_airbyte_raw_id":"${randomUUID()}","_airbyte_extracted_at":${record.emitted_at},"_airbyte_data":${JSON.stringify(record.data)}}`,
          );
        }
      },
      async commit() {
        for (const file of files.values()) await file.commit();
      },
      async finish(isComplete) {
        for (const file of files.values()) await file.finish(isComplete(file.configured));
      },
      async abort() {
        for (const file of files.values()) await file.close();
      },
    };
  },
});

/** A file name for a stream that cannot escape the directory. */
function fileName(name: string, namespace?: string | null): string {
  const safe = (part: string): string => part.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_');
  return `${namespace ? `${safe(namespace)}__` : ''}${safe(name)}.jsonl`;
}
