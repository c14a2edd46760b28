// Owns source-file's config: its spec, and turning `path` into the inputs to read (a URL, one file, or the files
// a glob matches), each with its format, delimiter and compression, and the stream's name.
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { ConnectorSpecification } from '../../protocol/types.generated.js';
import { ConnectorError } from '../kit/run-connector.js';
import { expandGlob, hasGlob } from './glob.js';
import { isUrl, type Compression } from './open-input.js';
import type { FileInput, Format } from './read-rows.js';

export interface FileConfig {
  path: string;
  format?: Format;
  stream_name?: string;
  delimiter?: string;
  compression?: Compression;
  infer_rows?: number;
  cursor_field?: string;
  primary_key?: string | string[];
}

export const spec: ConnectorSpecification = {
  documentationUrl: 'https://github.com/sluice-data/sluice#source-file',
  connectionSpecification: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'File source',
    type: 'object',
    required: ['path'],
    additionalProperties: false,
    properties: {
      path: {
        type: 'string',
        format: 'path',
        minLength: 1,
        description: 'a local path, a glob (data/*.csv, logs/**/*.jsonl: all matches form one stream) or an http(s) URL',
      },
      format: { type: 'string', enum: ['csv', 'jsonl', 'json'], description: 'default: from the extension (.csv .tsv, .jsonl .ndjson, .json; .gz ignored)' },
      stream_name: { type: 'string', minLength: 1, description: "default: the file's base name without extensions" },
      delimiter: { type: 'string', minLength: 1, maxLength: 1, description: 'CSV field delimiter (default "," or tab for .tsv)' },
      compression: { type: 'string', enum: ['auto', 'gzip', 'none'], default: 'auto', description: 'auto: gunzip when the data starts with the gzip magic bytes' },
      infer_rows: { type: 'integer', minimum: 1, default: 1000, description: 'rows sampled to infer the schema' },
      cursor_field: { type: 'string', minLength: 1, description: 'a column that grows with every change: makes the stream incremental' },
      primary_key: {
        oneOf: [
          { type: 'string', minLength: 1 },
          { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
        ],
        description: 'a column, or several columns forming the key',
      },
    },
  },
};

/** The inputs `path` names, in read order. Fails naming the path when there is nothing to read. */
export async function listInputs(config: FileConfig): Promise<FileInput[]> {
  const compression = config.compression ?? 'auto';
  const input = (location: string, url: boolean): FileInput => {
    const extension = extensionOf(url ? new URL(location).pathname : location);
    const format = config.format ?? formatOf(extension);
    if (!format) {
      throw new ConnectorError(`cannot tell the format of ${location} from its name: set format to csv, jsonl or json`, 'config_error');
    }
    return { location, url, format, compression, delimiter: config.delimiter ?? (extension === '.tsv' ? '\t' : ',') };
  };
  if (isUrl(config.path)) return [input(config.path, true)];
  if (hasGlob(config.path)) {
    const files = await expandGlob(config.path);
    if (files.length === 0) throw new ConnectorError(`no file matches ${config.path}`, 'config_error');
    return files.map((file) => input(file, false));
  }
  const info = await stat(config.path).catch(() => undefined);
  if (!info) throw new ConnectorError(`cannot read ${config.path}: no such file`, 'config_error');
  if (!info.isFile()) throw new ConnectorError(`cannot read ${config.path}: it is not a file`, 'config_error');
  return [input(config.path, false)];
}

/** `stream_name`, or the base name of the path (or of the glob's last part) without extensions. */
export function streamNameOf(config: FileConfig): string {
  if (config.stream_name) return config.stream_name;
  const path = isUrl(config.path) ? new URL(config.path).pathname : config.path;
  const name = stripExtensions(basename(path)).replace(/[*?]/g, '').replace(/^[-_.\s]+|[-_.\s]+$/g, '');
  if (name) return name;
  // data/*.csv: name the stream after the directory.
  const parent = basename(dirname(path.split(/[*?]/)[0] + 'x'));
  return parent && parent !== '.' && parent !== '/' ? parent : 'file';
}

function stripExtensions(name: string): string {
  let base = name.replace(/\.(gz|gzip)$/i, '');
  base = base.replace(/\.(csv|tsv|jsonl|ndjson|json|txt)$/i, '');
  return base;
}

function extensionOf(path: string): string {
  const match = /(\.[A-Za-z0-9]+)$/.exec(path.replace(/\.(gz|gzip)$/i, ''));
  return match ? match[1]!.toLowerCase() : '';
}

function formatOf(extension: string): Format | undefined {
  if (extension === '.csv' || extension === '.tsv') return 'csv';
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  if (extension === '.json') return 'json';
  return undefined;
}
