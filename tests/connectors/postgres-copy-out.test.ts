// source-postgres receives COPY ... TO STDOUT by taking over node-pg's connection (copy-out.ts): every row arrives
// whole however the messages split across socket reads, notices among the data are passed over, an error before or
// in the middle of the data is the query's error, and the connection serves the next query afterwards.
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { copyRows } from '../../connectors/source-postgres/copy-rows.js';
import { postgresAvailability, useFreshDatabase } from '../support/postgres.js';

const postgresMissing = await postgresAvailability();

describe.runIf(!postgresMissing)('COPY out of node-pg', () => {
  const url = useFreshDatabase();

  async function withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: url() });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  async function allRows(client: pg.Client, select: string): Promise<Array<Array<string | null>>> {
    const rows: Array<Array<string | null>> = [];
    for await (const batch of copyRows(client, select)) {
      for (let r = 0; r < batch.rowCount; r++) rows.push(Array.from({ length: batch.width }, (_, f) => batch.text(r, f)));
    }
    return rows;
  }

  it('reads every row whole, large values and multi-byte text included, and the connection serves the next query', async () => {
    await withClient(async (client) => {
      const rows = await allRows(client, `SELECT i::text, CASE WHEN i % 3 = 0 THEN NULL ELSE repeat('é🦆', i * 37) END FROM generate_series(1, 2000) AS i`);
      expect(rows).toHaveLength(2000);
      rows.forEach((row, index) => {
        const i = index + 1;
        expect(row).toEqual([String(i), i % 3 === 0 ? null : 'é🦆'.repeat(i * 37)]);
      });
      expect((await client.query('SELECT 41 + 1 AS answer')).rows).toEqual([{ answer: 42 }]);
    });
  });

  it('passes over notices sent among the data', async () => {
    await withClient(async (client) => {
      await client.query(`CREATE FUNCTION noisy(i int) RETURNS text LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'row %', i; RETURN i::text; END $$`);
      const rows = await allRows(client, 'SELECT noisy(i) FROM generate_series(1, 500) AS i');
      expect(rows.map((row) => row[0])).toEqual(Array.from({ length: 500 }, (_, i) => String(i + 1)));
    });
  });

  it('an error before or among the data is the query’s error, and the connection still works', async () => {
    await withClient(async (client) => {
      await expect(allRows(client, 'SELECT no_such_column FROM generate_series(1, 3)')).rejects.toThrow(/no_such_column/);
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      const midway = allRows(client, `SELECT CASE WHEN i = 50000 THEN (1 / 0)::text ELSE repeat('x', 100) END FROM generate_series(1, 60000) AS i`);
      await expect(midway).rejects.toThrow(/division by zero/);
      expect((await client.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    });
  });
});
