// destination-postgres in a following sync (SLUICE_COMMIT_INTERVAL_MS): a held STATE is committed and echoed
// within about the interval of its arrival while the input stays open when the input pauses after it, and never
// together with records that came after it (a source transaction under way: they wait for the STATE that ends them);
// a value that is not a positive whole number is one clear configuration error.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { jsonFile, sluice, sluiceBin, tempDir } from '../support/cli.js';
import { postgresAvailability, useFreshDatabase } from '../support/postgres.js';
import { destinationConfig, sqlOn } from '../support/pg-connectors.js';
import { waitUntil } from '../support/processes.js';

const postgresMissing = await postgresAvailability();

describe.runIf(!postgresMissing)('destination-postgres commit interval', () => {
  const url = useFreshDatabase();
  const dir = tempDir('sluice-pg-interval-');
  const record = (stream: string, id: number) => `{"type":"RECORD","record":{"stream":"${stream}","data":{"id":${id}},"emitted_at":1700000000000}}\n`;
  const state = (stream: string, n: number) => `{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"${stream}"},"stream_state":{"n":${n}}}}}\n`;

  function startWrite(stream: string, env: string) {
    const catalog = jsonFile(dir, `${stream}-catalog.json`, {
      streams: [{ stream: { name: stream, json_schema: { type: 'object', properties: { id: { type: 'integer' } } }, supported_sync_modes: ['full_refresh', 'incremental'] }, sync_mode: 'incremental', destination_sync_mode: 'append' }],
    });
    const config = jsonFile(dir, `${stream}-config.json`, destinationConfig(url(), 'interval'));
    const run = execa(process.execPath, [sluiceBin, 'write', 'destination-postgres', '--config', config, '--catalog', catalog, '--env', env], { reject: false, timeout: 60_000 });
    let stdout = '';
    run.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    return { run, echoed: () => stdout.split('\n').filter((line) => line.includes('"STATE"')) };
  }

  it('never commits records that came after the held STATE (a source transaction under way): they wait for the STATE that ends them', async () => {
    const { run, echoed } = startWrite('busy', 'SLUICE_COMMIT_INTERVAL_MS=200');
    const visible = async () => (await sqlOn(url(), 'SELECT count(*)::int AS n FROM interval.busy').catch(() => [{ n: 0 }]))[0]!.n as number;
    run.stdin!.write(record('busy', 1) + state('busy', 1));
    // Records after the STATE and no further STATE for six commit intervals: the destination shows none of them
    // (it may show record 1 alone, committed with its state), however long the held state waits.
    let id = 1;
    const feeding = setInterval(() => run.stdin!.write(record('busy', ++id)), 20);
    const seen = new Set<number>();
    try {
      const until = Date.now() + 1200;
      while (Date.now() < until) {
        seen.add(await visible());
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      clearInterval(feeding);
    }
    expect([...seen].filter((n) => n > 1)).toEqual([]);
    // The STATE that ends them: both states go out, and every record is there, while the input stays open.
    const last = id;
    run.stdin!.write(state('busy', last));
    await waitUntil(() => echoed().length === 2, 15_000, 'both STATEs echoed while input stays open');
    expect(echoed().map((line) => JSON.parse(line).state.stream.stream_state)).toEqual([{ n: 1 }, { n: last }]);
    expect(await visible()).toBe(last);
    run.stdin!.end();
    const result = await run;
    expect(result.exitCode, String(result.stderr)).toBe(0);
  }, 30_000);

  it('echoes a held STATE when the input pauses, without end of input', async () => {
    const { run, echoed } = startWrite('quiet', 'SLUICE_COMMIT_INTERVAL_MS=200');
    run.stdin!.write(record('quiet', 1) + record('quiet', 2) + state('quiet', 2));
    await waitUntil(() => echoed().length === 1, 15_000, 'the STATE echoed while input stays open');
    const rows = await sqlOn(url(), 'SELECT count(*)::int AS n FROM interval.quiet');
    expect(rows[0]!.n).toBe(2);
    run.stdin!.end();
    expect((await run).exitCode).toBe(0);
  }, 30_000);

  it('refuses a commit interval that is not a positive whole number', async () => {
    const catalog = jsonFile(dir, 'bad-catalog.json', { streams: [] });
    const config = jsonFile(dir, 'bad-config.json', destinationConfig(url(), 'interval'));
    const result = await sluice(['write', 'destination-postgres', '--config', config, '--catalog', catalog, '--env', 'SLUICE_COMMIT_INTERVAL_MS=1.5s'], { input: '' });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('sluice: connector.failed: connector destination-postgres (write) failed (config_error): SLUICE_COMMIT_INTERVAL_MS must be a positive whole number of milliseconds, not "1.5s"');
  });
});
