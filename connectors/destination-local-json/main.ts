#!/usr/bin/env node
// Owns destination-local-json: one JSON-lines file per stream in a directory (overwrite, append, append_dedup).
// A STATE is echoed only after every record received before it is written and fsync'ed.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { runConnector, ConnectorError } from '../kit/run-connector.js';
import { inputMessages } from '../kit/input-messages.js';
import { streamKey } from '../../protocol/state.js';
import { StreamFile } from './stream-file.js';

interface LocalJsonConfig {
  destination_path: string;
}

await runConnector<LocalJsonConfig>({
  spec: {
    documentationUrl: 'https://github.com/sluice-data/sluice#destination-local-json',
    supported_destination_sync_modes: ['overwrite', 'append', 'append_dedup'],
    connectionSpecification: {
      type: 'object',
      required: ['destination_path'],
      properties: {
        destination_path: { type: 'string', minLength: 1, description: 'directory that receives <stream>.jsonl files' },
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
  async write(config, catalog, input, out) {
    await mkdir(config.destination_path, { recursive: true });
    const files = new Map<string, StreamFile>();
    for (const configured of catalog.streams) {
      const { name, namespace } = configured.stream;
      const file = new StreamFile(join(config.destination_path, fileName(name, namespace)), configured);
      await file.open();
      files.set(streamKey({ name, namespace }), file);
    }
    try {
      for await (const message of inputMessages(input)) {
        if (message.type === 'RECORD') {
          const record = message.record!;
          const file = files.get(streamKey({ name: record.stream, namespace: record.namespace }));
          if (!file) throw new ConnectorError(`record for stream ${record.stream}, which is not in the catalog`, 'system_error');
          await file.append(
            `{"_airbyte_raw_id":"${randomUUID()}","_airbyte_extracted_at":${record.emitted_at},"_airbyte_data":${JSON.stringify(record.data)}}`,
          );
        } else if (message.type === 'STATE') {
          for (const file of files.values()) await file.commit();
          await out.emit(message);
          await out.flush();
        }
      }
      for (const file of files.values()) await file.finish();
    } finally {
      for (const file of files.values()) await file.close();
    }
  },
});

/** A file name for a stream that cannot escape the directory. */
function fileName(name: string, namespace?: string | null): string {
  const safe = (part: string): string => part.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_');
  return `${namespace ? `${safe(namespace)}__` : ''}${safe(name)}.jsonl`;
}
