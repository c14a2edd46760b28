// Streams whose names normalise to the same file or table ("Sales 2024", "Sales/2024", "Sales_2024", two Cyrillic
// names, namespaces that differ only in punctuation) each get their own, in every file and table destination, in
// overwrite and append alike, under the same names whatever the catalog order and whichever streams run together.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CsvParser } from '../../connectors/kit/csv.js';
import { nameSuffix } from '../../connectors/kit/stream-names.js';
import { tempDir } from '../support/cli.js';
import { catalogOf, completeLine, recordLine, runWrite, type StreamSpec } from '../support/destination.js';

const STREAMS: Array<{ name: string; namespace?: string }> = [
  { name: 'Sales 2024' },
  { name: 'Sales/2024' },
  { name: 'Sales_2024' },
  { name: 'Продажи' },
  { name: 'Клиенты' },
  { name: 'orders', namespace: 'shop eu' },
  { name: 'orders', namespace: 'shop/eu' },
];
const label = (s: { name: string; namespace?: string }) => `${s.namespace ?? ''}|${s.name}`;
const properties = { id: { type: 'integer' }, origin: { type: 'string' } };

/** Each stream sends one row naming itself; the destination's content as container → origins it holds. */
async function runOnce(connector: string, dir: string, config: object, mode: 'overwrite' | 'append', order: typeof STREAMS) {
  const specs: StreamSpec[] = order.map((s) => ({ ...s, mode, properties }));
  const lines = [
    ...order.map((s, i) => recordLine(s.name, JSON.stringify({ id: i, origin: label(s) }), 1_700_000_000_000, s.namespace)),
    ...order.map((s) => completeLine(s.name, s.namespace)),
  ];
  const result = await runWrite(connector, dir, config, catalogOf(specs), lines);
  expect(result.exitCode, result.stderr).toBe(0);
}

function contents(connector: string, target: string): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  if (connector === 'destination-sqlite') {
    const db = new Database(target, { readonly: true });
    try {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((row) => row.name);
      for (const table of tables) found[table] = (db.prepare(`SELECT origin FROM "${table.replaceAll('"', '""')}" ORDER BY rowid`).all() as Array<{ origin: string }>).map((row) => row.origin);
    } finally {
      db.close();
    }
    return found;
  }
  for (const file of readdirSync(target).sort()) {
    const text = readFileSync(join(target, file), 'utf8');
    if (connector === 'destination-local-json') found[file] = text.split('\n').filter(Boolean).map((line) => JSON.parse(line)._airbyte_data.origin);
    else {
      const parser = new CsvParser();
      const [header, ...records] = [...parser.push(text), ...parser.end()];
      found[file] = records.map((record) => record[header!.indexOf('origin')]!);
    }
  }
  return found;
}

describe.concurrent.each([
  ['destination-local-json', 'Sales_2024.jsonl'],
  ['destination-csv', 'Sales_2024.csv'],
  // SQLite ignores case in table names: only an all-lower-case clean name is kept as is.
  ['destination-sqlite', `Sales_2024${nameSuffix({ name: 'Sales_2024' })}`],
])('%s', (connector, cleanName) => {
  const setUp = () => {
    const dir = tempDir();
    const target = connector === 'destination-sqlite' ? join(dir, 'db.sqlite') : join(dir, 'out');
    const config = connector === 'destination-sqlite' ? { database_path: target } : { destination_path: target };
    return { dir, target, config };
  };

  it('overwrite: streams whose names normalise alike each get their own, and a clean name keeps its own', async () => {
    const { dir, target, config } = setUp();
    await runOnce(connector, dir, config, 'overwrite', STREAMS);
    const found = contents(connector, target);
    expect(Object.keys(found)).toHaveLength(STREAMS.length);
    expect(Object.values(found).map((origins) => origins.length)).toEqual(STREAMS.map(() => 1));
    expect(Object.values(found).flat().sort()).toEqual(STREAMS.map(label).sort());
    expect(found[cleanName]).toEqual(['|Sales_2024']);
  });

  it('append: the names do not depend on the catalog order, so each stream keeps adding to its own', async () => {
    const { dir, target, config } = setUp();
    await runOnce(connector, dir, config, 'append', STREAMS);
    const first = contents(connector, target);
    await runOnce(connector, dir, config, 'append', [...STREAMS].reverse());
    const second = contents(connector, target);
    expect(Object.keys(second)).toEqual(Object.keys(first));
    for (const [name, origins] of Object.entries(first)) expect(second[name]).toEqual([...origins, ...origins]);
    expect(Object.values(first).flat().sort()).toEqual(STREAMS.map(label).sort());
  });

  it('a stream lands in the same place whichever streams run with it: overwriting one alone keeps the others', async () => {
    const { dir, target, config } = setUp();
    // a_b is clean everywhere; A_B differs from it only in case (one SQLite table without a suffix), a/b only in a
    // character files and tables cannot hold.
    const together = [{ name: 'a_b' }, { name: 'A_B' }, { name: 'a/b' }];
    await runOnce(connector, dir, config, 'append', together);
    const before = contents(connector, target);
    for (const alone of together) {
      await runOnce(connector, dir, config, 'overwrite', [alone]);
      const after = contents(connector, target);
      expect(Object.keys(after)).toEqual(Object.keys(before));
      expect(Object.values(after).flat().sort()).toEqual(together.map(label).sort());
    }
  });
});
