// Owns the mapper editor's working copy of one stream: steps with a stable id (for React keys) and where each stored
// salt or key was, the fields each step may name (the stream's, as changed by the steps before it), the problems
// obvious before saving, and the PATCH body. A masked secret (MASK) is kept by the API only at its stored position,
// type and field, so a step moved or pointed at another field must be given its secret again. No React here.
import { fromBuilder, rowProblem, toBuilder, type BuiltCondition } from './condition-builder';
import { MASK, type Condition, type MapperStep, type Mappers, type OnError, type StepType, type StreamMappers } from './mapper-types';

export interface DraftStep {
  id: number;
  step: MapperStep;
  /** Where the stored step was, when it holds a stored (masked) salt or key. */
  storedSecretAt?: { index: number; field: string };
  /** A filter's condition as edited: builder rows, or JSON text when the rows cannot say it (`built` undefined). */
  filter?: FilterDraft;
}

export interface FilterDraft {
  action: 'keep' | 'drop';
  built?: BuiltCondition;
  json: string;
}

export interface StreamDraft {
  onError: OnError;
  steps: DraftStep[];
}

let nextId = 1;
export function draftStep(step: MapperStep): DraftStep {
  if (step.type !== 'filter') return { id: nextId++, step };
  const action = step.drop !== undefined ? 'drop' : 'keep';
  const condition = step[action] ?? { field: '', eq: '' };
  return { id: nextId++, step, filter: { action, built: toBuilder(condition), json: JSON.stringify(condition, null, 2) } };
}

/** The condition a filter draft says, or why it says none. */
export function filterCondition(filter: FilterDraft): { condition?: Condition; problem?: string } {
  if (filter.built) {
    const problem = filter.built.rows.map(rowProblem).find((found) => found !== undefined);
    return problem ? { problem } : { condition: fromBuilder(filter.built) };
  }
  try {
    const parsed: unknown = JSON.parse(filter.json);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { problem: 'The condition is a JSON object, like {"field": "age", "lt": 18}' };
    return { condition: parsed as Condition };
  } catch (error) {
    return { problem: `The condition is not valid JSON: ${(error as Error).message}` };
  }
}

/** The step as it will be saved (a filter's condition taken from its draft). */
export function currentStep(draft: DraftStep): MapperStep {
  if (!draft.filter) return draft.step;
  const { condition } = filterCondition(draft.filter);
  return condition === undefined ? { type: 'filter' } : ({ type: 'filter', [draft.filter.action]: condition } as MapperStep);
}

export function toDraft(stored: StreamMappers | undefined): StreamDraft {
  return {
    onError: stored?.on_error ?? 'fail',
    steps: (stored?.steps ?? []).map((step, index) => ({ ...draftStep(step), ...(secretOf(step) === MASK && 'field' in step && step.field ? { storedSecretAt: { index, field: step.field } } : {}) })),
  };
}

export function newStep(type: StepType, fields: string[]): MapperStep {
  const first = fields[0] ?? '';
  switch (type) {
    case 'select': return { type, fields: [...fields] };
    case 'rename': return { type, field: first, to: '' };
    case 'hash': return { type, field: first, algorithm: 'sha256', target: 'replace', salt: '' };
    case 'encrypt': return { type, field: first, key: '' };
    case 'filter': return { type, drop: { field: first, eq: '' } } as MapperStep;
    case 'expression': return { type, field: '', expression: '' };
  }
}

/** The fields a step at `index` may name: the stream's, as the steps before it select, rename and add them. */
export function fieldsAt(streamFields: string[], steps: DraftStep[], index: number): string[] {
  let fields = [...streamFields];
  for (const { step } of steps.slice(0, index)) {
    if (step.type === 'select') fields = fields.filter((field) => step.fields.includes(field)).concat(step.fields.filter((field) => !fields.includes(field)));
    if (step.type === 'rename' && step.to) fields = fields.map((field) => (field === step.field ? step.to : field));
    if (step.type === 'hash' && step.target === 'new') fields = addField(fields, `${step.field}_hashed`);
    if (step.type === 'expression' && step.field) fields = addField(fields, step.field);
  }
  return fields;
}

export type StepProblems = Partial<Record<'field' | 'to' | 'fields' | 'salt' | 'key' | 'expression' | 'condition', string>>;

/** What is obviously wrong with a step before asking the API (which checks the rest and says so). */
export function stepProblems(draft: DraftStep, index: number): StepProblems {
  const { step } = draft;
  const problems: StepProblems = {};
  if ('field' in step && step.type !== 'expression' && !step.field?.trim()) problems.field = 'Choose a field';
  if (step.type === 'select' && step.fields.length === 0) problems.fields = 'Keep at least one field';
  if (step.type === 'rename' && !step.to.trim()) problems.to = 'Give the new name';
  if (step.type === 'expression' && !step.expression.trim()) problems.expression = 'Write an expression';
  if (step.type === 'encrypt' && step.key !== MASK && !/^[0-9a-fA-F]{64}$/.test(step.key)) problems.key = 'The key is 64 hexadecimal characters (32 bytes)';
  const secret = step.type === 'hash' ? 'salt' : step.type === 'encrypt' ? 'key' : undefined;
  if (secret && secretOf(step) === MASK && !keepsStoredSecret(draft, index)) {
    problems[secret] = `The stored ${secret} is kept only at its place (step ${draft.storedSecretAt ? draft.storedSecretAt.index + 1 : '?'}, field ${draft.storedSecretAt?.field ?? '?'}): enter the ${secret} again`;
  }
  const conditionProblem = draft.filter && filterCondition(draft.filter).problem;
  if (conditionProblem) problems.condition = conditionProblem;
  return problems;
}

export const keepsStoredSecret = (draft: DraftStep, index: number): boolean =>
  draft.storedSecretAt !== undefined && draft.storedSecretAt.index === index && 'field' in draft.step && draft.step.field === draft.storedSecretAt.field;

/** The stream's mappers as the API takes them; an empty salt is left out (an unsalted hash). */
export function streamBody(draft: StreamDraft): StreamMappers {
  const steps = draft.steps.map((stepDraft) => {
    const step = currentStep(stepDraft);
    if (step.type === 'hash' && !step.salt) {
      const { salt: _salt, ...unsalted } = step;
      return unsalted;
    }
    if (step.type === 'expression' && !step.field) return { type: step.type, expression: step.expression };
    return step;
  });
  return { ...(draft.onError === 'skip' ? { on_error: 'skip' as const } : {}), steps };
}

/** The PATCH body's `mappers`: streams without steps and with the default policy are left out; none at all is null. */
export function mappersBody(drafts: Record<string, StreamDraft>): Mappers | null {
  const entries = Object.entries(drafts).filter(([, draft]) => draft.steps.length > 0 || draft.onError !== 'fail');
  return entries.length === 0 ? null : Object.fromEntries(entries.map(([stream, draft]) => [stream, streamBody(draft)]));
}

export function moveStep(steps: DraftStep[], index: number, by: -1 | 1): DraftStep[] {
  const to = index + by;
  if (to < 0 || to >= steps.length) return steps;
  const moved = [...steps];
  [moved[index], moved[to]] = [moved[to]!, moved[index]!];
  return moved;
}

function secretOf(step: MapperStep): string | undefined {
  return step.type === 'hash' ? step.salt : step.type === 'encrypt' ? step.key : undefined;
}

const addField = (fields: string[], field: string): string[] => (fields.includes(field) ? fields : [...fields, field]);
