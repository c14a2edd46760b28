#!/usr/bin/env node
// Micro-benchmark of secret redaction per log line: the raw + JSON-escaped forms only (before the encoded forms were
// added) against the full mask set of runtime/secrets.ts. Run after `npm run build`: node scripts/bench-redact.mjs
import { createRedactor, MASK } from '../dist/runtime/secrets.js';

const LINES = Number(process.env.BENCH_LINES ?? 200_000);
const secrets = ['Pa55/word@Secret#2026', 'Tq8VzKw3Jx5Rm7Yb', 'sk_live_51HxQ2eKZvKYlo2C8x'];
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const rawForms = [...new Set(secrets.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))].sort((a, b) => b.length - a.length);
const rawPattern = new RegExp(rawForms.map(escape).join('|'), 'g');
const before = (text) => text.replace(rawPattern, MASK);
const after = createRedactor(secrets);

const lines = Array.from({ length: LINES }, (_, i) =>
  JSON.stringify({ type: 'LOG', log: { level: 'INFO', message: `fetched page ${i} of stream users in ${i % 997} ms, cursor 2026-12-01T06:${String(i % 60).padStart(2, '0')}:00Z, rows=${i * 7}` } }));

function time(label, redact) {
  let masked = 0;
  const start = process.hrtime.bigint();
  for (const line of lines) if (redact(line) !== line) masked++;
  const ns = Number(process.hrtime.bigint() - start);
  console.log(`${label}: ${(ns / 1e6).toFixed(0)} ms for ${LINES} lines, ${(ns / LINES).toFixed(0)} ns/line, ${masked} masked`);
}
for (let round = 0; round < 2; round++) { time('raw+json forms', before); time('all forms     ', after); }
