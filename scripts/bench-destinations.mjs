// `node scripts/bench-destinations.mjs` (part of `make bench`): each file destination built on the kit, fed
// source-faker's output directly (`destination write < records.jsonl`, no runtime in between), one stream in append
// mode: records/s (wall), the process's CPU seconds (user + system), and the ratio of its records/s to
// destination-dev-null's, the relay's ceiling, measured in the same rounds (each round runs every destination once,
// so the ratio stays meaningful on a busy machine). The load average is printed before and after.
// With BENCH_BASELINE_DIST (another build's dist/ directory, inside this checkout so it finds node_modules) each
// destination is also run from that build, alternately, and the ratio new/baseline of records per CPU second is printed.
// Environment: BENCH_RECORDS (default 1000000), BENCH_RUNS (default 3, the median is printed), BENCH_DIR,
// BENCH_BASELINE_DIST.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, openSync, closeSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');
const records = Number(process.env.BENCH_RECORDS ?? 1_000_000);
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
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', node, join(build, `connectors/${name}/main.js`), 'write', '--config', configPath, '--catalog', catalogPath], { stdio: [inputFd, 'ignore', 'pipe'] });
  const wallMs = performance.now() - started;
  closeSync(inputFd);
  if (result.status !== 0) throw new Error(`${name} (${build}) exited ${result.status}: ${result.stderr}`);
  const [, user, system] = /CPU ([\d.]+) ([\d.]+)/.exec(String(result.stderr));
  return { wallMs, cpuMs: (Number(user) + Number(system)) * 1000 };
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const perSecond = (ms) => records / (ms / 1000);
const fmt = (value, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');

const loadBefore = load();
const names = Object.keys(destinations);
const measured = new Map(names.map((name) => [name, { now: [], base: [] }]));
for (const [name, config] of Object.entries(destinations)) writeFileSync(join(dir, `${name}.json`), JSON.stringify(config));
for (let run = 0; run < runs; run++) {
  for (const name of names) {
    const configPath = join(dir, `${name}.json`);
    if (baseline) measured.get(name).base.push(runOnce(baseline, name, destinations[name], configPath));
    measured.get(name).now.push(runOnce(dist, name, destinations[name], configPath));
  }
}
const wallOf = (times) => median(times.map((time) => time.wallMs));
const cpuOf = (times) => median(times.map((time) => time.cpuMs));
const ceiling = perSecond(wallOf(measured.get('destination-dev-null').now));
console.log(`load average before: ${loadBefore}   after: ${load()}   (median of ${runs} rounds, each destination once a round)`);
console.log(`   ${'destination'.padEnd(24)} ${'records/s'.padStart(10)} ${'CPU s'.padStart(7)} ${'records/CPU-s'.padStart(14)} ${'of dev-null'.padStart(12)}${baseline ? `  ${'baseline rec/CPU-s'.padStart(18)} ${'ratio'.padStart(6)}` : ''}`);
for (const name of names) {
  const { now, base } = measured.get(name);
  const wall = wallOf(now);
  const cpu = cpuOf(now);
  let line = `   ${name.padEnd(24)} ${fmt(perSecond(wall)).padStart(10)} ${fmt(cpu / 1000, 2).padStart(7)} ${fmt(perSecond(cpu)).padStart(14)} ${`${fmt(perSecond(wall) / ceiling, 2)}x`.padStart(12)}`;
  if (baseline) line += `  ${fmt(perSecond(cpuOf(base))).padStart(18)} ${`${fmt(cpuOf(base) / cpu, 2)}x`.padStart(6)}`;
  console.log(line);
}
if (!process.env.BENCH_DIR) rmSync(dir, { recursive: true, force: true });
