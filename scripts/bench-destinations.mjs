// `node scripts/bench-destinations.mjs`: records/s of each file destination built on the kit, fed source-faker's
// output directly (`destination write < records.jsonl`, no runtime in between), one stream in append mode.
// With BENCH_BASELINE_DIST (another build's dist/ directory, inside this checkout so it finds node_modules) each
// destination is run alternately from both builds and the ratio new/baseline is printed: on a shared, busy machine
// only a ratio measured in the same run means anything.
// Environment: BENCH_RECORDS (default 200000), BENCH_RUNS (default 3, the median is printed), BENCH_DIR,
// BENCH_BASELINE_DIST.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, openSync, closeSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');
const records = Number(process.env.BENCH_RECORDS ?? 200_000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const dir = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'sluice-bench-dest-'));
const node = process.execPath;
const baseline = process.env.BENCH_BASELINE_DIST ? resolve(process.env.BENCH_BASELINE_DIST) : undefined;

const catalog = (mode) => ({
  streams: [
    {
      stream: {
        name: 'users',
        json_schema: {
          type: 'object',
          properties: {
            id: { type: 'integer' }, name: { type: 'string' }, email: { type: 'string' }, age: { type: 'integer' },
            created_at: { type: 'string', format: 'date-time' }, updated_at: { type: 'string', format: 'date-time' },
          },
        },
        supported_sync_modes: ['full_refresh', 'incremental'],
        source_defined_primary_key: [['id']],
      },
      sync_mode: 'full_refresh',
      destination_sync_mode: mode,
    },
  ],
});
const catalogPath = join(dir, 'catalog.json');
writeFileSync(catalogPath, JSON.stringify(catalog('append')));
const input = join(dir, 'records.jsonl');
const sourceConfig = join(dir, 'faker.json');
writeFileSync(sourceConfig, JSON.stringify({ count: records, records_per_state: 10_000 }));
const fd = openSync(input, 'w');
spawnSync(node, [join(dist, 'connectors/source-faker/main.js'), 'read', '--config', sourceConfig, '--catalog', catalogPath], { stdio: ['ignore', fd, 'inherit'] });
closeSync(fd);
console.log(`input: ${records} faker users, ${(statSync(input).size / 1e6).toFixed(1)} MB`);

const destinations = {
  'destination-dev-null': {},
  'destination-local-json': { destination_path: join(dir, 'json') },
  'destination-csv': { destination_path: join(dir, 'csv') },
  'destination-sqlite': { database_path: join(dir, 'sqlite', 'db.sqlite') },
};
function runOnce(build, name, config, configPath) {
  for (const key of ['destination_path', 'database_path']) if (config[key]) rmSync(key === 'database_path' ? join(dir, 'sqlite') : config[key], { recursive: true, force: true });
  const inputFd = openSync(input, 'r');
  // GNU time reports the child's CPU seconds (user + system), which a busy machine disturbs far less than wall time.
  const result = spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', node, join(build, `connectors/${name}/main.js`), 'write', '--config', configPath, '--catalog', catalogPath], { stdio: [inputFd, 'ignore', 'pipe'] });
  closeSync(inputFd);
  if (result.status !== 0) throw new Error(`${name} (${build}) exited ${result.status}: ${result.stderr}`);
  const [, user, system] = /CPU ([\d.]+) ([\d.]+)/.exec(String(result.stderr));
  return (Number(user) + Number(system)) * 1000;
}
const median = (times) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
const rate = (ms) => Math.round(records / (ms / 1000)).toLocaleString('en-US').padStart(10);
console.log('records per CPU second of the destination process (user + system)');
for (const [name, config] of Object.entries(destinations)) {
  const configPath = join(dir, `${name}.json`);
  writeFileSync(configPath, JSON.stringify(config));
  const times = [];
  const baseTimes = [];
  for (let run = 0; run < runs; run++) {
    if (baseline) baseTimes.push(runOnce(baseline, name, config, configPath));
    times.push(runOnce(dist, name, config, configPath));
  }
  const now = median(times);
  let line = `${name.padEnd(24)} ${rate(now)} records/CPU-s`;
  if (baseline) {
    const before = median(baseTimes);
    line += `   baseline ${rate(before)} records/CPU-s   ratio ${(before / now).toFixed(2)}x`;
  }
  console.log(`${line}  (median of ${runs})`);
}
if (!process.env.BENCH_DIR) rmSync(dir, { recursive: true, force: true });
