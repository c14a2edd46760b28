// Owns the list of connectors that ship with Sluice: their names, kinds, entry points and image names. This is the
// launch layer's data: connectors/ holds the programs, the runtime knows where they are and how to start them.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export interface BuiltinConnector {
  name: string;
  kind: 'source' | 'destination';
  description: string;
  /** The entry point, relative to the connectors directory (connectors/ in the source tree, dist/connectors built): compiled JavaScript, or a Python script copied as is. */
  entry: string;
  /** The program that runs the entry point: Node (the one running Sluice) unless said otherwise. */
  interpreter?: 'python3';
  /** The local Docker image `make images` builds for it. */
  image: string;
}

export const builtinConnectors: readonly BuiltinConnector[] = [
  {
    name: 'source-faker',
    kind: 'source',
    description: 'Deterministic fake users, products and purchases; incremental by updated_at.',
    entry: 'source-faker/main.js',
    image: 'sluice/source-faker:dev',
  },
  {
    name: 'source-file',
    kind: 'source',
    description: 'CSV, JSON lines or a JSON array from a local path, a glob or an http(s) URL, gzip or not; schema inferred.',
    entry: 'source-file/main.js',
    image: 'sluice/source-file:dev',
  },
  {
    name: 'source-postgres',
    kind: 'source',
    description: 'PostgreSQL tables and views: full refresh in primary-key chunks, incremental by cursor, or CDC (pgoutput).',
    entry: 'source-postgres/main.js',
    image: 'sluice/source-postgres:dev',
  },
  {
    name: 'source-sqlite-py',
    kind: 'source',
    description: 'Tables and views of a SQLite file, read-only; incremental by a configured cursor column. Python, stdlib only.',
    entry: 'source-sqlite-py/source.py',
    interpreter: 'python3',
    image: 'sluice/source-sqlite-py:dev',
  },
  {
    name: 'source-mysql',
    kind: 'source',
    description: 'MySQL and MariaDB tables and views: full refresh in primary-key chunks, or incremental by cursor.',
    entry: 'source-mysql/main.js',
    image: 'sluice/source-mysql:dev',
  },
  {
    name: 'destination-local-json',
    kind: 'destination',
    description: 'One JSON-lines file per stream in a directory; overwrite, append, append_dedup.',
    entry: 'destination-local-json/main.js',
    image: 'sluice/destination-local-json:dev',
  },
  {
    name: 'destination-csv',
    kind: 'destination',
    description: 'One RFC 4180 CSV file per stream in a directory; overwrite, append, append_dedup.',
    entry: 'destination-csv/main.js',
    image: 'sluice/destination-csv:dev',
  },
  {
    name: 'destination-sqlite',
    kind: 'destination',
    description: 'Typed tables in a SQLite database (WAL); overwrite swapped in at the end, append, append_dedup by upsert.',
    entry: 'destination-sqlite/main.js',
    image: 'sluice/destination-sqlite:dev',
  },
  {
    name: 'destination-postgres',
    kind: 'destination',
    description: 'Typed PostgreSQL tables loaded with COPY; overwrite (swapped in), append, append_dedup with CDC deletes.',
    entry: 'destination-postgres/main.js',
    image: 'sluice/destination-postgres:dev',
  },
  {
    name: 'destination-dev-null',
    kind: 'destination',
    description: 'Discards records and echoes states; for benchmarks and tests.',
    entry: 'destination-dev-null/main.js',
    image: 'sluice/destination-dev-null:dev',
  },
];

/** runtime/launchers/ → the connectors directory beside runtime/, in the source tree and in dist/ alike. */
export const connectorsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'connectors');

export function findBuiltinConnector(name: string): BuiltinConnector | undefined {
  return builtinConnectors.find((connector) => connector.name === name);
}

/**
 * The argv that runs a built-in connector directly as a process. A Python entry point sits in the connectors directory
 * both in the source tree and in dist/ (scripts/finish-build.mjs copies it there), and python3 is looked up on PATH.
 */
export function builtinCommand(connector: BuiltinConnector): string[] {
  const interpreter = connector.interpreter ?? process.execPath;
  return [interpreter, join(connectorsDir, connector.entry)];
}
