// The --map flag of `sluice connection create|update`: every form, and each error naming the flag and the column.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMapSpecs, parseMapSpec } from '../../cli/map-flag/map-spec.js';

const env = { PEPPER: 'pepper-salt-value', KEY: 'ab'.repeat(32) };
const step = (spec: string) => {
  const parsed = parseMapSpec(spec, env);
  if (!('step' in parsed)) throw new Error('expected a step');
  return parsed.step;
};
const errorOf = (spec: string) => {
  try {
    parseMapSpec(spec, env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${spec} was accepted`);
};

describe('--map steps', () => {
  it('reads select, rename, hash and encrypt with their options', () => {
    expect(parseMapSpec('users:select(id, email,updated_at)', env)).toEqual({ stream: 'users', step: { type: 'select', fields: ['id', 'email', 'updated_at'] } });
    expect(step('users:rename(name=full_name)')).toEqual({ type: 'rename', field: 'name', to: 'full_name' });
    expect(step('users:hash(email)')).toEqual({ type: 'hash', field: 'email' });
    expect(step('users:hash(email,sha512,new,salt=env:PEPPER)')).toEqual({ type: 'hash', field: 'email', algorithm: 'sha512', target: 'new', salt: 'pepper-salt-value' });
    expect(step('users:encrypt(ssn,key=env:KEY)')).toEqual({ type: 'encrypt', field: 'ssn', key: env.KEY });
  });

  it('reads a salt or key from a file, trimmed', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'map-')), 'key');
    writeFileSync(file, `${env.KEY}\n`);
    expect(step(`users:encrypt(ssn,key=file:${file})`)).toEqual({ type: 'encrypt', field: 'ssn', key: env.KEY });
  });

  it('reads a field expression and a whole-record one', () => {
    expect(step("users:expression(domain=$substringAfter(email,'@'))")).toEqual({ type: 'expression', field: 'domain', expression: "$substringAfter(email,'@')" });
    expect(step('users:expression($merge([$, {"n": 1}]))')).toEqual({ type: 'expression', expression: '$merge([$, {"n": 1}])' });
  });

  it('reads the error policy, and a namespaced stream', () => {
    expect(parseMapSpec('crm.users:on-error=skip', env)).toEqual({ stream: 'crm.users', onError: 'skip' });
  });

  it('adds steps in order per stream, and clears streams first', () => {
    const stored = { users: { steps: [{ type: 'select' as const, fields: ['id'] }] }, orders: { steps: [{ type: 'rename' as const, field: 'a', to: 'b' }] } };
    expect(applyMapSpecs(stored, ['users:hash(id)', 'users:on-error=skip'], ['orders'], env)).toEqual({
      users: { on_error: 'skip', steps: [{ type: 'select', fields: ['id'] }, { type: 'hash', field: 'id' }] },
    });
    expect(applyMapSpecs(stored, [], ['all'], env)).toBeNull();
  });
});

describe('--map filter conditions', () => {
  const condition = (text: string) => (step(`users:filter(keep ${text})`) as { keep: unknown }).keep;

  it('reads each comparison', () => {
    expect(condition('country = US')).toEqual({ field: 'country', eq: 'US' });
    expect(condition("name != 'Ann O''Neil'")).toEqual({ field: 'name', ne: "Ann O'Neil" });
    expect(condition('country in (US, CA,"x")'.replace('"x"', "'x y'"))).toEqual({ field: 'country', in: ['US', 'CA', 'x y'] });
    expect(condition('age < 18')).toEqual({ field: 'age', lt: 18 });
    expect(condition('age <= 18.5')).toEqual({ field: 'age', le: 18.5 });
    expect(condition('age > -1')).toEqual({ field: 'age', gt: -1 });
    expect(condition("at >= '2024-01-01'")).toEqual({ field: 'at', ge: '2024-01-01' });
    expect(condition('deleted_at is null')).toEqual({ field: 'deleted_at', is_null: true });
    expect(condition('email is not null')).toEqual({ field: 'email', is_null: false });
    expect(condition('active = true')).toEqual({ field: 'active', eq: true });
    expect(condition('"odd name" = null')).toEqual({ field: 'odd name', eq: null });
  });

  it('combines with and, or, not and parentheses (not, then and, then or)', () => {
    expect(condition('country in (US,CA) and age >= 18')).toEqual({ and: [{ field: 'country', in: ['US', 'CA'] }, { field: 'age', ge: 18 }] });
    expect(condition('a = 1 or b = 2 and not c = 3')).toEqual({ or: [{ field: 'a', eq: 1 }, { and: [{ field: 'b', eq: 2 }, { not: { field: 'c', eq: 3 } }] }] });
    expect(condition('(a = 1 or b = 2) and c not in (x)')).toEqual({ and: [{ or: [{ field: 'a', eq: 1 }, { field: 'b', eq: 2 }] }, { not: { field: 'c', in: ['x'] } }] });
    expect(step('users:filter(drop age < 18)')).toEqual({ type: 'filter', drop: { field: 'age', lt: 18 } });
  });
});

describe('--map errors name the flag and the column', () => {
  it.each([
    ['users', '--map "users": at column 1: expected STREAM:STEP(...), e.g. users:hash(email)'],
    ['users:hash', '--map "users:hash": at column 7: expected a step as TYPE(ARGUMENTS): select, rename, hash, encrypt, filter, expression, or on-error=fail|skip'],
    ['users:mask(email)', '--map "users:mask(email)": at column 7: unknown step mask (expected select, rename, hash, encrypt, filter, expression, or on-error=fail|skip)'],
    ['users:on-error=ignore', '--map "users:on-error=ignore": at column 16: on-error must be fail or skip, not "ignore"'],
    ['users:select()', '--map "users:select()": at column 14: select needs field names separated by commas'],
    ['users:rename(name)', '--map "users:rename(name)": at column 14: rename takes FIELD=NEW_NAME'],
    ['users:hash(email,sha1)', '--map "users:hash(email,sha1)": at column 18: unknown hash option "sha1" (expected sha256, sha512, md5, new, or salt=env:VAR|file:PATH)'],
    ['users:hash(email,salt=pepper)', '--map "users:hash(email,salt=pepper)": at column 23: salt must be env:VAR or file:PATH (a value on the command line is visible to other users)'],
    ['users:hash(email,salt=env:NOPE)', '--map "users:hash(email,salt=env:NOPE)": at column 23: salt=env:NOPE: the environment variable NOPE is not set'],
    ['users:encrypt(ssn,key=file:/no/such/key)', '--map "users:encrypt(ssn,key=file:/no/such/key)": at column 23: key=file:/no/such/key: cannot read the file: ENOENT'],
    ['users:encrypt(ssn)', '--map "users:encrypt(ssn)": at column 15: encrypt takes FIELD,key=env:VAR|file:PATH'],
    ['users:filter(age < 18)', '--map "users:filter(age < 18)": at column 14: filter takes keep CONDITION or drop CONDITION'],
    ['users:filter(keep age <)', '--map "users:filter(keep age <)": at column 24: expected a value (a number, a quoted string, a word, true, false or null), found the end'],
    ['users:filter(keep age 18)', '--map "users:filter(keep age 18)": at column 23: expected =, !=, <, <=, >, >=, in, not in or is after age, found 18'],
    ["users:filter(keep name = 'ann)", '--map "users:filter(keep name = \'ann)": at column 26: the quote opened here is not closed'],
    ['users:filter(keep (a = 1)', '--map "users:filter(keep (a = 1)": at column 25: expected ), found the end'],
    ['users:filter(keep a = 1 b = 2)', '--map "users:filter(keep a = 1 b = 2)": at column 25: expected and, or or the end, found b'],
    ['users:filter(keep a is 1)', '--map "users:filter(keep a is 1)": at column 24: expected null after is'],
    ['users:filter(keep a not = 1)', '--map "users:filter(keep a not = 1)": at column 25: expected in after not'],
    ['users:filter(keep a < true)', '--map "users:filter(keep a < true)": at column 21: < compares with a number or a string, not true'],
    ['users:filter(keep and = 1)', '--map "users:filter(keep and = 1)": at column 19: expected a field name, found and'],
    ['users:filter(keep a = 1 & b = 2)', '--map "users:filter(keep a = 1 & b = 2)": at column 25: unexpected character &'],
    ['users:expression()', '--map "users:expression()": at column 18: expression takes FIELD=JSONATA, or JSONATA for the whole record'],
  ])('%s', (spec, message) => {
    expect(errorOf(spec)).toBe(message);
  });
});
