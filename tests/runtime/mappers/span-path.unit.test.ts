// The span path of a mapper (rename, hash, encrypt, select edited on the line's bytes, no parse): the same record as
// the parse path for any data and any list of those steps (a differential check over random lines, exact numbers
// included), the line's own bytes kept where no step changed them, and a fall back to the parse path (with its
// errors and its on_error policy) for what spans cannot map the same way.
import { describe, expect, it } from 'vitest';
import { mayLoseDigits, parseExactJson, stringifyExactJson } from '../../../protocol/exact-json.js';
import { decryptValue } from '../../../runtime/mappers/aes-gcm-value.js';
import { SluiceError } from '../../../runtime/errors.js';
import type { StreamMappers } from '../../../runtime/mappers/types.js';
import { KEY, mapLine, mapLineWithFacts, mapperFor, recordLine } from './fixtures.js';

/** A small deterministic generator (mulberry32), so a failure names a seed that reproduces it. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIELDS = ['id', 'name', 'email', 'age', 'note', 'full_name', 'email_hashed', 'é', '__proto__', 'constructor'];
/** The fields steps name; the others are only in the data. */
const STEP_FIELDS = FIELDS.slice(0, 7);
const SCALARS = [
  '0', '-0', '7', '-42', '123456789012345', '1234567890123456', '12345678901234567890', '-9007199254740993', '1.0', '0.5',
  '0.1000000000000000055511151231257827', '1e400', '2E-3', 'true', 'false', 'null',
  '""', '"Ada"', '"a@x.org"', '"żółw 🐢"', '"quote \\" inside"', '"back\\\\slash"', '"\\u00e9t\\u00e9"', '"\\ud83d\\udc22"', '"{[not, a container]}"', '"\\/"',
];

/** Values a double holds: the exact parser (lossless-json) refuses a repeated key, so lines that repeat one use these. */
const SHORT_SCALARS = SCALARS.filter((text) => !mayLoseDigits(text));

function value(next: () => number, scalars: readonly string[], depth = 0): string {
  const pick = next();
  if (depth < 2 && pick < 0.08) return `{${Array.from({ length: Math.floor(next() * 3) }, (_, i) => `"k${i}":${value(next, scalars, depth + 1)}`).join(',')}}`;
  if (depth < 2 && pick < 0.14) return `[${Array.from({ length: Math.floor(next() * 3) }, () => value(next, scalars, depth + 1)).join(', ')}]`;
  return scalars[Math.floor(next() * scalars.length)]!;
}

function space(next: () => number): string {
  return next() < 0.2 ? [' ', '\n', '\t', '  '][Math.floor(next() * 4)]! : '';
}

function key(next: () => number): string {
  const field = FIELDS[Math.floor(next() * FIELDS.length)]!;
  // Now and then the same key written with an escape, which a parser reads as the same name.
  if (field === 'name' && next() < 0.2) return '"na\\u006de"';
  return JSON.stringify(field);
}

function data(next: () => number, repeats: boolean): string {
  const count = Math.floor(next() * 7);
  const seen = new Set<string>();
  const scalars = repeats ? SHORT_SCALARS : SCALARS;
  const members: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = key(next);
    // Mostly distinct keys; sometimes a repeated one that steps name (a parser keeps the last value). A repeated key
    // no step names passes as the source wrote it, as on an unmapped stream (tested below).
    if (seen.has(name) && (!repeats || !STEP_FIELDS.includes(JSON.parse(name)))) continue;
    seen.add(name);
    members.push(`${space(next)}${name}${space(next)}:${space(next)}${value(next, scalars)}${space(next)}`);
  }
  return `{${members.join(',')}${space(next)}}`;
}

function steps(next: () => number): StreamMappers['steps'] {
  const list: StreamMappers['steps'] = [];
  const count = 1 + Math.floor(next() * 3);
  const field = () => STEP_FIELDS[Math.floor(next() * STEP_FIELDS.length)]!;
  for (let i = 0; i < count; i++) {
    const pick = next();
    if (pick < 0.35) {
      const from = field();
      const to = field();
      if (from !== to) list.push({ type: 'rename', field: from, to });
    } else if (pick < 0.7) {
      list.push({ type: 'hash', field: field(), algorithm: next() < 0.5 ? 'sha256' : 'md5', salt: next() < 0.5 ? '' : 'pepper', target: next() < 0.3 ? 'new' : 'replace' });
    } else {
      list.push({ type: 'select', fields: [...new Set([field(), field(), field()])] });
    }
  }
  return list;
}

/**
 * The line's message in key order, or the error mapping it gave. Exactly (every digit) unless the line may repeat a
 * key: then a parser's reading (the last value wins), which is exact for the short numbers such lines hold.
 */
async function outcome(map: () => Promise<unknown>, repeats: boolean): Promise<string> {
  try {
    const mapped = await map();
    if (typeof mapped !== 'string') return String(mapped);
    return stringifyExactJson(repeats ? JSON.parse(mapped) : parseExactJson(mapped));
  } catch (error) {
    if (error instanceof SluiceError) return `${error.code}: ${error.message}`;
    throw error;
  }
}

describe('the span path of a mapper', () => {
  it('gives the record the parse path gives, for 3000 random lines and step lists', async () => {
    let spanned = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const next = random(seed);
      const definition = { steps: steps(next), on_error: next() < 0.5 ? 'skip' : 'fail' } as StreamMappers;
      if (definition.steps.length === 0) continue;
      const mapper = mapperFor(definition, 'events');
      const repeats = next() < 0.3;
      const line = `{"type":"RECORD","record":{"stream":"events",${space(next)}"data":${space(next)}${data(next, repeats)},"emitted_at":5}}`;
      const parsed = await outcome(() => mapLine(mapper, line), repeats);
      const edited = await outcome(() => mapLineWithFacts(mapper, line), repeats);
      expect(edited, `seed ${seed}: ${JSON.stringify(definition)} on ${line}`).toBe(parsed);
      // The same record in other bytes (spacing or escapes the parse path rewrites): the span path was taken.
      const raw = await Promise.all([mapLine(mapper, line), mapLineWithFacts(mapper, line)].map((mapped) => mapped.catch(() => 'failed')));
      if (raw[0] !== raw[1]) spanned++;
    }
    expect(spanned).toBeGreaterThan(300);
  });

  it('copies the bytes no step changed as they came, spacing and number spelling included', async () => {
    const mapper = mapperFor({ steps: [{ type: 'rename', field: 'name', to: 'full_name' }, { type: 'hash', field: 'email', algorithm: 'md5' }] }, 'events');
    const line = recordLine('{ "id" : 1.0 , "name":"Ada", "email" :"a", "ratio": 1e-7 }', 'events');
    expect(await mapLineWithFacts(mapper, line)).toBe(recordLine('{ "id" : 1.0,"full_name":"Ada", "email" :"0cc175b9c0f1b6a831c399e269772661","ratio": 1e-7 }', 'events'));
  });

  it('passes a repeated key no step names as the source wrote it, as an unmapped stream does', async () => {
    const mapper = mapperFor({ steps: [{ type: 'hash', field: 'email', algorithm: 'md5' }] }, 'events');
    expect(await mapLineWithFacts(mapper, recordLine('{"tag":1,"email":"a","tag":2}', 'events'))).toBe(
      recordLine('{"tag":1,"email":"0cc175b9c0f1b6a831c399e269772661","tag":2}', 'events'),
    );
  });

  it('writes selected fields in the order given and appends a new hashed field last', async () => {
    const mapper = mapperFor(
      { steps: [{ type: 'select', fields: ['email', 'id'] }, { type: 'hash', field: 'email', target: 'new', algorithm: 'md5' }] },
      'events',
    );
    expect(await mapLineWithFacts(mapper, recordLine('{"id":1,"name":"Ada","email":"a"}', 'events'))).toBe(
      recordLine('{"email":"a","id":1,"email_hashed":"0cc175b9c0f1b6a831c399e269772661"}', 'events'),
    );
  });

  it('encrypts a value to what decrypts to the parsed value', async () => {
    const mapper = mapperFor({ steps: [{ type: 'encrypt', field: 'note', key: KEY }] }, 'events');
    for (const note of ['"text é"', '"esc\\u00e9\\n"', '42', '12345678901234567890', '1.50', 'true', '{"a": [1, 2]}']) {
      const mapped = JSON.parse((await mapLineWithFacts(mapper, recordLine(`{"id":1, "note": ${note}}`, 'events'))) as string);
      expect(stringifyExactJson(decryptValue(mapped.record.data.note, KEY)), note).toBe(stringifyExactJson(parseExactJson(note)));
    }
  });

  it('fails a value it cannot hash with the parse path\'s error, naming stream, step, field and record', async () => {
    const mapper = mapperFor({ steps: [{ type: 'rename', field: 'name', to: 'full_name' }, { type: 'hash', field: 'email' }] }, 'events');
    await expect(mapLineWithFacts(mapper, recordLine('{"id":1,"name":"Ada","email":true}', 'events'), 7)).rejects.toThrow(
      'stream events, step 2 (hash), field email, record 7: cannot hash a boolean (hash takes strings and numbers)',
    );
  });
});
