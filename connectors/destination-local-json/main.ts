#!/usr/bin/env node
// Owns destination-local-json: one JSON-lines file per stream in a directory (overwrite, append, append_dedup).
// Built on the kit: a STATE is echoed only after every record received before it is written and fsync'ed. Each
// line is `{"_airbyte_raw_id":…,"_airbyte_extracted_at":…,"_airbyte_data":…}` with the data's original JSON text
// spliced in, so every number keeps its digits. File names follow the kit's FILE_NAMES rule (stream-names.ts).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { runDestination } from '../kit/destination.js';
import { FILE_NAMES, targetNames } from '../kit/stream-names.js';
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
  // Lines splice the data's original text: the kit only checks it is JSON.
  parseRecords: false,
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
    const names = targetNames(catalog.streams.map((configured) => configured.stream), FILE_NAMES);
    for (const [index, configured] of catalog.streams.entries()) {
      const file = new StreamFile(join(config.destination_path, `${names[index]}.jsonl`), configured);
      await file.open();
      files.set(streamKey(configured.stream), file);
    }
    return {
      async write(stream, records) {
        const file = files.get(streamKey(stream.stream))!;
        for (const record of records) {
          const written = file.append(`{"_airbyte_raw_id":"${randomUUID()}","_airbyte_extracted_at":${record.emitted_at},"_airbyte_data":${record.dataJson}}\n`);
          if (written) await written;
        }
      },
      async commit() {
        for (const file of files.values()) await file.commit();
      },
      async finish(isComplete) {
        for (const file of files.values()) await file.finish(isComplete(file.configured));
      },
      async abort() {
        for (const file of files.values()) await file.abort();
      },
    };
  },
});

