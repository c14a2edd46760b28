// `make bench`: how much the Sluice runtime costs on the record path, measured against baselines in the same run.
//  0. Start-up: a sync of 0 records (source-faker users, --catalog) through `sluice sync`, against the same two
//     connector commands piped directly: medians of BENCH_STARTUP_RUNS (default 10) alternating runs, the
//     difference in ms and the ratio, with the load average beside them. Sluice's caches (the connectors' specs) live
//     in the benchmark's directory and are warm, as on any sync after the first.
//  1. A sync of N records from source-faker to destination-dev-null through `sluice sync`, against the same two
//     connector commands piped directly (`source read | destination write`): records/s, MB/s, the runtime's own
//     peak RSS, and the ratio sluice/direct (median of alternating runs).
//  1b. Mappers (issue 12): BENCH_MAPPED_RECORDS (default 1000000) faker users with a sha256 hash of email and a rename
//     of name, against the same sync without mappers, alternating: the ratio mapped/unmapped and the peak RSS.
//  2. The line-level choices behind the relay, in process, on the same 1M lines: splitting only (baseline), the
//     RECORD prefix alone, the prefix plus the structural check the relay does (classifyLine), JSON.parse per line,
//     and the ndjson package's parser.
// Environment: BENCH_RECORDS (default 2000000), BENCH_MAPPED_RECORDS (default 1000000), BENCH_RUNS (default 3),
// BENCH_STARTUP_RUNS (default 10).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import ndjson from 'ndjson';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');
const records = Number(process.env.BENCH_RECORDS ?? 2_000_000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
// Removed however the bench ends (a failed run included): nothing is left in the temporary directory.
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
// Sluice's cache (connector specs) in the benchmark's directory, not the user's ~/.cache.
process.env.XDG_CACHE_HOME = join(dir, 'cache');

const sourceConfig = join(dir, 'source.json');
const destinationConfig = join(dir, 'destination.json');
const catalogPath = join(dir, 'catalog.json');
writeFileSync(sourceConfig, JSON.stringify({ count: records, records_per_state: 10_000 }));
writeFileSync(destinationConfig, '{}');
writeFileSync(
  catalogPath,
  JSON.stringify({
    streams: [
      {
        stream: {
          name: 'users',
          json_schema: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, email: { type: 'string' }, updated_at: { type: 'string' } } },
          supported_sync_modes: ['full_refresh', 'incremental'],
          source_defined_cursor: true,
          default_cursor_field: ['updated_at'],
          source_defined_primary_key: [['id']],
        },
        sync_mode: 'full_refresh',
        destination_sync_mode: 'overwrite',
      },
    ],
  }),
);

const node = process.execPath;
const source = `${node} ${join(dist, 'connectors/source-faker/main.js')} read --config ${sourceConfig} --catalog ${catalogPath}`;
const destination = `${node} ${join(dist, 'connectors/destination-dev-null/main.js')} write --config ${destinationConfig} --catalog ${catalogPath}`;
const directCommand = ['sh', ['-c', `${source} | ${destination} > /dev/null`]];
const summaryPath = join(dir, 'summary.json');
const sluiceCommand = [
  'sh',
  ['-c', `${join(dist, 'cli/main.js')} sync --source source-faker --source-config ${sourceConfig} --destination destination-dev-null --destination-config ${destinationConfig} --catalog ${catalogPath} --json --log-level warn > ${summaryPath}`],
];

function timed([file, args]) {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolvePromise(performance.now() - started) : reject(new Error(`${args.at(-1)} exited ${code}`))));
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (value, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

console.log(`Sluice benchmark: ${fmt(records)} records, ${runs} alternating runs each, node ${process.version}`);
console.log('');

// ---- 0. start-up ------------------------------------------------------------------------------------------------
const startupRuns = Number(process.env.BENCH_STARTUP_RUNS ?? 10);
const emptySourceConfig = join(dir, 'source-empty.json');
writeFileSync(emptySourceConfig, JSON.stringify({ count: 0 }));
const emptySource = `${node} ${join(dist, 'connectors/source-faker/main.js')} read --config ${emptySourceConfig} --catalog ${catalogPath}`;
const directStartup = ['sh', ['-c', `${emptySource} | ${destination} > /dev/null`]];
const sluiceStartup = [
  'sh',
  ['-c', `${join(dist, 'cli/main.js')} sync --source source-faker --source-config ${emptySourceConfig} --destination destination-dev-null --destination-config ${destinationConfig} --catalog ${catalogPath} --json --log-level warn > /dev/null`],
];
console.log(`0. start-up: a sync of 0 records vs the two connector commands piped directly, ${startupRuns} alternating runs`);
await timed(directStartup);
await timed(sluiceStartup); // warm-up: fills the spec cache, as the first sync on a machine does
const directStart = [];
const sluiceStart = [];
const loadBefore = loadavg()[0];
for (let run = 0; run < startupRuns; run++) {
  directStart.push(await timed(directStartup));
  sluiceStart.push(await timed(sluiceStartup));
}
const startDirect = median(directStart);
const startSluice = median(sluiceStart);
console.log(`   ${'variant'.padEnd(24)} ${'wall ms'.padStart(8)}`);
console.log(`   ${'direct pipe (baseline)'.padEnd(24)} ${fmt(startDirect).padStart(8)}`);
console.log(`   ${'sluice sync, N = 0'.padEnd(24)} ${fmt(startSluice).padStart(8)}`);
console.log(
  `   difference ${fmt(startSluice - startDirect)} ms, ratio ${fmt(startSluice / startDirect, 2)} (target: within 100 ms of direct); load average ${fmt(loadBefore, 2)} → ${fmt(loadavg()[0], 2)}`,
);
console.log('');

console.log('1. sync through the runtime vs the direct pipe (source-faker users -> destination-dev-null)');
const direct = [];
const sluice = [];
let summary;
await timed(directCommand); // warm-up: file cache, JIT of nothing in particular, but fair to both
for (let run = 0; run < runs; run++) {
  direct.push(await timed(directCommand));
  sluice.push(await timed(sluiceCommand));
  summary = JSON.parse(readFileSync(summaryPath, 'utf8'));
  if (summary.recordsCommitted !== records) throw new Error(`sluice committed ${summary.recordsCommitted} of ${records} records`);
}
const bytes = summary.bytesEmitted;
const rows = [
  ['direct pipe (baseline)', median(direct)],
  ['sluice sync', median(sluice)],
];
console.log(`   ${'variant'.padEnd(24)} ${'wall s'.padStart(8)} ${'records/s'.padStart(12)} ${'MB/s'.padStart(8)} ${'ratio'.padStart(7)}`);
for (const [name, ms] of rows) {
  console.log(
    `   ${name.padEnd(24)} ${fmt(ms / 1000, 2).padStart(8)} ${fmt(records / (ms / 1000)).padStart(12)} ${fmt(bytes / 1e6 / (ms / 1000), 1).padStart(8)} ${fmt(ms / median(direct), 3).padStart(7)}`,
  );
}
console.log(`   sluice runtime peak RSS: ${fmt(summary.runtimePeakRssBytes / 1024 / 1024, 1)} MiB (connectors not included)`);
console.log(`   the summary's own duration (the whole command, set-up included): ${fmt(summary.durationMs / 1000, 2)} s in the last run`);
console.log('');

// ---- 1b. mappers -------------------------------------------------------------------------------------------
const mappedRecords = Number(process.env.BENCH_MAPPED_RECORDS ?? 1_000_000);
const mappedSourceConfig = join(dir, 'source-mapped.json');
const mappersPath = join(dir, 'mappers.json');
writeFileSync(mappedSourceConfig, JSON.stringify({ count: mappedRecords, records_per_state: 10_000 }));
writeFileSync(mappersPath, JSON.stringify({ users: { steps: [{ type: 'hash', field: 'email', algorithm: 'sha256' }, { type: 'rename', field: 'name', to: 'full_name' }] } }));
const syncCommand = (extra) => [
  'sh',
  ['-c', `${join(dist, 'cli/main.js')} sync --source source-faker --source-config ${mappedSourceConfig} --destination destination-dev-null --destination-config ${destinationConfig} --catalog ${catalogPath} --json --log-level warn ${extra} > ${summaryPath}`],
];
console.log(`1b. mappers: ${fmt(mappedRecords)} users with a sha256 hash of email and a rename of name, vs the same sync without`);
const unmapped = [];
const mapped = [];
let mappedSummary;
for (let run = 0; run < runs; run++) {
  unmapped.push(await timed(syncCommand('')));
  mapped.push(await timed(syncCommand(`--mappers ${mappersPath}`)));
  mappedSummary = JSON.parse(readFileSync(summaryPath, 'utf8'));
  if (mappedSummary.recordsCommitted !== mappedRecords) throw new Error(`the mapped sync committed ${mappedSummary.recordsCommitted} of ${mappedRecords} records`);
}
console.log(`   ${'variant'.padEnd(24)} ${'wall s'.padStart(8)} ${'records/s'.padStart(12)} ${'ratio'.padStart(7)}`);
for (const [name, ms] of [['sluice sync', median(unmapped)], ['sluice sync --mappers', median(mapped)]]) {
  console.log(`   ${name.padEnd(24)} ${fmt(ms / 1000, 2).padStart(8)} ${fmt(mappedRecords / (ms / 1000)).padStart(12)} ${fmt(ms / median(unmapped), 3).padStart(7)}`);
}
console.log(`   mapped sync runtime peak RSS: ${fmt(mappedSummary.runtimePeakRssBytes / 1024 / 1024, 1)} MiB (target ratio: at most 2.0)`);
console.log('');

// ---- 2. line-level choices ---------------------------------------------------------------------------------
const { LineSplitter } = await import(join(dist, 'protocol/line-splitter.js'));
const { classifyLine, recordStreamFromPrefix } = await import(join(dist, 'protocol/envelope.js'));
const lineCount = 1_000_000;
const sample = [];
for (let id = 1; id <= 1000; id++) {
  sample.push(`{"type":"RECORD","record":{"stream":"users","data":{"id":${id},"name":"Ada Lovelace","email":"ada${id}@example.com","age":36},"emitted_at":1700000000000}}`);
}
const block = Buffer.from(`${sample.join('\n')}\n`);
const chunks = [];
for (let i = 0; i < lineCount / 1000; i++) chunks.push(block);

function measure(name, work) {
  const times = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  return [name, median(times)];
}
const splitOnly = measure('split lines (baseline)', () => {
  const splitter = new LineSplitter();
  let count = 0;
  for (const chunk of chunks) splitter.push(chunk, () => count++);
});
const prefixOnly = measure('split + RECORD prefix only', () => {
  const splitter = new LineSplitter();
  for (const chunk of chunks) splitter.push(chunk, (buffer, start, end) => recordStreamFromPrefix(buffer, start, end));
});
const prefix = measure('split + prefix + structure', () => {
  const splitter = new LineSplitter();
  for (const chunk of chunks) {
    splitter.push(chunk, (buffer, start, end) => {
      if (classifyLine(buffer, start, end).kind !== 'record') throw new Error('a sample line was not taken for a record');
    });
  }
});
const parse = measure('split + JSON.parse', () => {
  const splitter = new LineSplitter();
  for (const chunk of chunks) splitter.push(chunk, (buffer, start, end) => JSON.parse(buffer.toString('utf8', start, end)));
});
const reserialise = measure('split + parse + stringify', () => {
  const splitter = new LineSplitter();
  for (const chunk of chunks) splitter.push(chunk, (buffer, start, end) => JSON.stringify(JSON.parse(buffer.toString('utf8', start, end))));
});
const ndjsonTimes = [];
for (let run = 0; run < runs; run++) {
  const started = performance.now();
  await new Promise((resolvePromise, reject) => {
    Readable.from(chunks).pipe(ndjson.parse()).on('data', () => undefined).on('end', resolvePromise).on('error', reject);
  });
  ndjsonTimes.push(performance.now() - started);
}
console.log(`2. the relay's per-line choices, in process, ${fmt(lineCount)} lines of ${block.length / 1000} B`);
console.log(`   ${'variant'.padEnd(28)} ${'ms'.padStart(8)} ${'lines/s'.padStart(12)} ${'ratio'.padStart(7)}`);
for (const [name, ms] of [splitOnly, prefixOnly, prefix, parse, reserialise, ['ndjson.parse() stream', median(ndjsonTimes)]]) {
  console.log(`   ${name.padEnd(28)} ${fmt(ms).padStart(8)} ${fmt(lineCount / (ms / 1000)).padStart(12)} ${fmt(ms / splitOnly[1], 2).padStart(7)}`);
}
