// The dashboard's mapper editor logic without a browser: steps in words, the condition builder to and from stored
// conditions (values typed as the person sees them), the fields offered at each step, problems found before saving,
// and the PATCH body (a stored secret sent back masked only at its place).
import { describe, expect, it } from 'vitest';
import { describeStep } from '../../web/src/mappers/describe-step.js';
import { fromBuilder, parseValue, rowProblem, toBuilder, valueKind, valueText, type BuiltCondition } from '../../web/src/mappers/condition-builder.js';
import { MASK, type Condition } from '../../web/src/mappers/mapper-types.js';
import { draftStep, fieldsAt, mappersBody, moveStep, stepProblems, toDraft } from '../../web/src/mappers/step-draft.js';

describe('describeStep', () => {
  it('says each step type in one line', () => {
    expect([
      describeStep({ type: 'select', fields: ['id', 'email'] }),
      describeStep({ type: 'rename', field: 'name', to: 'full_name' }),
      describeStep({ type: 'hash', field: 'email', salt: MASK }),
      describeStep({ type: 'hash', field: 'email', algorithm: 'md5', target: 'new' }),
      describeStep({ type: 'encrypt', field: 'ssn', key: MASK }),
      describeStep({ type: 'filter', drop: { field: 'age', lt: 18 } }),
      describeStep({ type: 'filter', keep: { and: [{ field: 'country', in: ['US', 'CA'] }, { or: [{ field: 'age', ge: 18 }, { field: 'vip', eq: true }] }] } }),
      describeStep({ type: 'filter', keep: { not: { field: 'code', eq: '18' } } }),
      describeStep({ type: 'filter', drop: { field: 'email', is_null: true } }),
      describeStep({ type: 'expression', field: 'domain', expression: "$substringAfter(email, '@')" }),
      describeStep({ type: 'expression', expression: '{"id": id}' }),
    ]).toEqual([
      'Keep only id, email',
      'Rename name → full_name',
      'Hash email (SHA-256, salted) → email',
      'Hash email (MD5) → email_hashed',
      'Encrypt ssn (AES-256-GCM)',
      'Drop rows where age < 18',
      'Keep rows where country is one of "US", "CA" and (age ≥ 18 or vip = true)',
      'Keep rows where not (code = "18")',
      'Drop rows where email is empty',
      "Set domain = $substringAfter(email, '@')",
      'Replace the record with {"id": id}',
    ]);
  });
});

describe('the condition builder', () => {
  it('types a value as a number, true, false, null or text, and "quoted" text stays text', () => {
    expect(['18', '-2.5', 'true', 'false', 'null', 'US', ' spaced ', '"18"', '"true"', '007'].map(parseValue)).toEqual([18, -2.5, true, false, null, 'US', 'spaced', '18', 'true', '007']);
    expect([18, 'US', '18', 'true', null, '007', ' padded'].map(valueText)).toEqual(['18', 'US', '"18"', '"true"', 'null', '007', '" padded"']);
    expect(valueKind({ field: 'age', operator: 'lt', value: '18' })).toBe('number');
    expect(valueKind({ field: 'code', operator: 'eq', value: '"18"' })).toBe('text');
    expect(valueKind({ field: 'country', operator: 'in', value: 'US, CA, 3' })).toBe('3 values: text, number');
  });

  it('round-trips every condition the rows can say', () => {
    const conditions: Condition[] = [
      { field: 'age', lt: 18 },
      { field: 'code', eq: '18' },
      { field: 'vip', ne: true },
      { field: 'email', is_null: true },
      { field: 'email', is_null: false },
      { field: 'country', in: ['US', 'CA', 'a, b', 7] },
      { not: { field: 'country', in: ['US'] } },
      { and: [{ field: 'age', ge: 18 }, { field: 'country', eq: 'US' }] },
      { or: [{ field: 'age', gt: 65 }, { not: { field: 'tier', in: ['free'] } }, { field: 'x', le: 'm' }] },
    ];
    for (const condition of conditions) expect(fromBuilder(toBuilder(condition)!)).toEqual(condition);
    const built: BuiltCondition = { combine: 'any', rows: [{ field: 'age', operator: 'lt', value: '18' }, { field: 'name', operator: 'is_not_null', value: '' }] };
    expect(toBuilder(fromBuilder(built))).toEqual(built);
  });

  it('has no rows for what they cannot say: a not around a group, groups inside groups', () => {
    expect(toBuilder({ not: { and: [{ field: 'a', eq: 1 }, { field: 'b', eq: 2 }] } })).toBeUndefined();
    expect(toBuilder({ and: [{ field: 'a', eq: 1 }, { or: [{ field: 'b', eq: 2 }, { field: 'c', eq: 3 }] }] })).toBeUndefined();
    expect(toBuilder({ not: { field: 'a', eq: 1 } })).toBeUndefined();
  });

  it('says what a row lacks', () => {
    expect(rowProblem({ field: '', operator: 'eq', value: '1' })).toBe('Choose a field');
    expect(rowProblem({ field: 'age', operator: 'lt', value: 'true' })).toBe('Compare with a number or a text');
    expect(rowProblem({ field: 'c', operator: 'in', value: ' , ' })).toBe('Give at least one value, separated by commas');
    expect(rowProblem({ field: 'age', operator: 'ge', value: '18' })).toBeUndefined();
  });
});

describe('the editor draft', () => {
  const fields = ['id', 'name', 'email', 'age'];

  it('offers at each step the fields the steps before it leave and add', () => {
    const steps = [
      draftStep({ type: 'select', fields: ['id', 'name', 'email'] }),
      draftStep({ type: 'rename', field: 'name', to: 'full_name' }),
      draftStep({ type: 'hash', field: 'email', target: 'new' }),
      draftStep({ type: 'expression', field: 'domain', expression: '1' }),
    ];
    expect([0, 1, 2, 3, 4].map((index) => fieldsAt(fields, steps, index))).toEqual([
      ['id', 'name', 'email', 'age'],
      ['id', 'name', 'email'],
      ['id', 'full_name', 'email'],
      ['id', 'full_name', 'email', 'email_hashed'],
      ['id', 'full_name', 'email', 'email_hashed', 'domain'],
    ]);
  });

  it('keeps a stored salt masked only at its place and field, and says so before saving otherwise', () => {
    const draft = toDraft({ on_error: 'skip', steps: [{ type: 'rename', field: 'name', to: 'n' }, { type: 'hash', field: 'email', salt: MASK }] });
    expect(draft.steps.map((step, index) => stepProblems(step, index))).toEqual([{}, {}]);
    expect(mappersBody({ users: draft })).toEqual({ users: { on_error: 'skip', steps: [{ type: 'rename', field: 'name', to: 'n' }, { type: 'hash', field: 'email', salt: MASK }] } });

    const moved = moveStep(draft.steps, 1, -1);
    expect(stepProblems(moved[0]!, 0)).toEqual({ salt: 'The stored salt is kept only at its place (step 2, field email): enter the salt again' });
    const otherField = { ...draft.steps[1]!, step: { type: 'hash' as const, field: 'name', salt: MASK } };
    expect(stepProblems(otherField, 1).salt).toMatch(/^The stored salt is kept only at its place/);
    const replaced = { ...otherField, step: { type: 'hash' as const, field: 'name', salt: 'new-salt' } };
    expect(stepProblems(replaced, 0)).toEqual({});
  });

  it('finds empty fields, expressions and bad keys; leaves out an empty salt; no steps anywhere is null', () => {
    expect(stepProblems(draftStep({ type: 'rename', field: '', to: '' }), 0)).toEqual({ field: 'Choose a field', to: 'Give the new name' });
    expect(stepProblems(draftStep({ type: 'expression', field: '', expression: ' ' }), 0)).toEqual({ expression: 'Write an expression' });
    expect(stepProblems(draftStep({ type: 'encrypt', field: 'ssn', key: 'abc' }), 0)).toEqual({ key: 'The key is 64 hexadecimal characters (32 bytes)' });
    expect(stepProblems(draftStep({ type: 'filter', drop: { field: 'age', lt: 18 } }), 0)).toEqual({});
    const hash = draftStep({ type: 'hash', field: 'email', algorithm: 'sha256', target: 'replace', salt: '' });
    const expression = draftStep({ type: 'expression', field: '', expression: '{"a": 1}' });
    expect(mappersBody({ users: { onError: 'fail', steps: [hash, expression] }, products: { onError: 'fail', steps: [] } })).toEqual({
      users: { steps: [{ type: 'hash', field: 'email', algorithm: 'sha256', target: 'replace' }, { type: 'expression', expression: '{"a": 1}' }] },
    });
    expect(mappersBody({ users: { onError: 'fail', steps: [] } })).toBeNull();
  });

  it('edits a filter the rows cannot say as JSON, and says when the JSON is not valid', () => {
    const nested = draftStep({ type: 'filter', keep: { not: { or: [{ field: 'a', eq: 1 }, { field: 'b', eq: 2 }] } } });
    expect(nested.filter!.built).toBeUndefined();
    expect(JSON.parse(nested.filter!.json)).toEqual({ not: { or: [{ field: 'a', eq: 1 }, { field: 'b', eq: 2 }] } });
    const broken = { ...nested, filter: { ...nested.filter!, json: '{"field": "a", ' } };
    expect(stepProblems(broken, 0).condition).toMatch(/^The condition is not valid JSON: /);
    expect(stepProblems({ ...nested, filter: { ...nested.filter!, json: '[1]' } }, 0).condition).toBe('The condition is a JSON object, like {"field": "age", "lt": 18}');
  });
});
