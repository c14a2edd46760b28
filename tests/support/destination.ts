// Runs a built destination's `write` as a real process, fed protocol lines on stdin, the way the runtime does.
import { execa } from 'execa';
import { join } from 'node:path';
import { jsonFile, repoRoot } from './cli.js';

export interface StreamSpec {
  name: string;
  namespace?: string;
  mode?: 'overwrite' | 'append' | 'append_dedup';
  properties?: Record<string, unknown>;
  primaryKey?: string[][];
  cursor?: string[];
}

export function catalogOf(streams: StreamSpec[]): object {
  return {
    streams: streams.map((s) => ({
      stream: {
        name: s.name,
        ...(s.namespace ? { namespace: s.namespace } : {}),
        json_schema: { type: 'object', properties: s.properties ?? { id: { type: 'integer' } } },
        supported_sync_modes: ['full_refresh', 'incremental'],
        ...(s.primaryKey ? { source_defined_primary_key: s.primaryKey } : {}),
      },
      sync_mode: 'full_refresh',
      destination_sync_mode: s.mode ?? 'append',
      ...(s.primaryKey ? { primary_key: s.primaryKey } : {}),
      ...(s.cursor ? { cursor_field: s.cursor } : {}),
    })),
  };
}

/** A compact RECORD line with `dataJson` as its data, written as the source wrote it. */
export const recordLine = (stream: string, dataJson: string, emittedAt: number | null = 1_700_000_000_000, namespace?: string): string =>
  `{"type":"RECORD","record":{"stream":${JSON.stringify(stream)}${namespace ? `,"namespace":${JSON.stringify(namespace)}` : ''},"data":${dataJson}${emittedAt === null ? '' : `,"emitted_at":${emittedAt}`}}}`;

export const streamStateLine = (stream: string, stateJson: string): string =>
  `{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":${JSON.stringify(stream)}},"stream_state":${stateJson}}}}`;

export const completeLine = (stream: string, namespace?: string): string =>
  JSON.stringify({ type: 'TRACE', trace: { type: 'STREAM_STATUS', emitted_at: 1, stream_status: { stream_descriptor: { name: stream, ...(namespace ? { namespace } : {}) }, status: 'COMPLETE' } } });

export async function runWrite(connector: string, dir: string, config: object, catalog: object, lines: string[]) {
  const result = await execa(
    process.execPath,
    [join(repoRoot, `dist/connectors/${connector}/main.js`), 'write', '--config', jsonFile(dir, `${connector}-config.json`, config), '--catalog', jsonFile(dir, `${connector}-catalog.json`, catalog)],
    { input: lines.join('\n') + '\n', reject: false, timeout: 60_000 },
  );
  const stdout = String(result.stdout ?? '');
  return { exitCode: result.exitCode ?? -1, stdout, stderr: String(result.stderr ?? ''), lines: stdout.split('\n').filter(Boolean) };
}
