#!/usr/bin/env node
// Owns destination-csv: one RFC 4180 CSV file per stream in a directory (overwrite, append, append_dedup), header
// `_airbyte_raw_id,_airbyte_extracted_at` (ISO 8601) then the schema's top-level properties; nested values as JSON
// text; null as an empty field and the empty string as "". A STATE is echoed only after its records are fsync'ed.
// File names follow the kit's FILE_NAMES rule (stream-names.ts).
import { mkdir, access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { runDestination } from '../kit/destination.js';
import { streamKey } from '../../protocol/state.js';
import { ConnectorError } from '../kit/run-connector.js';
import { FILE_NAMES, targetNames } from '../kit/stream-names.js';
import { CsvStreamFile } from './csv-stream-file.js';

interface CsvConfig {
  destination_path: string;
  delimiter?: string;
}

await runDestination<CsvConfig>({
  spec: {
    documentationUrl: 'https://github.com/sluice-data/sluice#destination-csv',
    supported_destination_sync_modes: ['overwrite', 'append', 'append_dedup'],
    connectionSpecification: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: 'CSV destination',
      type: 'object',
      required: ['destination_path'],
      additionalProperties: false,
      properties: {
        destination_path: { type: 'string', format: 'path', minLength: 1, description: 'directory that receives <stream>.csv files' },
        delimiter: { type: 'string', minLength: 1, maxLength: 1, default: ',', description: 'field delimiter' },
      },
    },
  },
  // Columns are read from each record's data text (kit/data-fields.ts): the kit only checks it is JSON.
  parseRecords: false,
  async check(config) {
    try {
      await mkdir(config.destination_path, { recursive: true });
      await access(config.destination_path, constants.W_OK);
      return undefined;
    } catch (error) {
      return `cannot write to ${config.destination_path}: ${(error as Error).message}`;
    }
  },
  async open(config, catalog, context) {
    await mkdir(config.destination_path, { recursive: true }).catch((error: Error) => {
      throw new ConnectorError(`cannot create ${config.destination_path}: ${error.message}`, 'config_error');
    });
    const delimiter = config.delimiter ?? ',';
    const files = new Map<string, CsvStreamFile>();
    const names = targetNames(catalog.streams.map((configured) => configured.stream), FILE_NAMES);
    for (const [index, configured] of catalog.streams.entries()) {
      const stream = new CsvStreamFile(join(config.destination_path, `${names[index]}.csv`), configured, delimiter, (message) => context.log(message, 'WARN'));
      await stream.open();
      files.set(streamKey(configured.stream), stream);
    }
    return {
      async write(stream, records) {
        await files.get(streamKey(stream.stream))!.append(records);
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

