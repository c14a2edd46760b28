// Owns reading one step of a definition before it runs: where it is (`users step 2 (rename)`, for every message),
// its properties checked one by one, and the `mapper.invalid` error naming the stream, step and field. A message
// never quotes a secret (salt, key): it says what is wrong with it, not what it is.
import { SluiceError } from '../errors.js';

export class StepSite {
  constructor(
    /** The stream's key in the definition (`users`, `public.users`). */
    readonly stream: string,
    /** 1-based. */
    readonly number: number,
    readonly type: string,
    readonly step: Record<string, unknown>,
    /** The stream's on_error is skip: a value a step cannot map becomes null. */
    readonly nullsOnError = false,
  ) {}

  /** `step 2 (rename)`. */
  get label(): string {
    return `step ${this.number} (${this.type})`;
  }

  /** The `mapper.invalid` error for this step, naming the field when there is one. */
  invalid(problem: string, field?: string): SluiceError {
    const where = `${this.stream} ${this.label}${field === undefined ? '' : `, field ${field}`}`;
    return new SluiceError('mapper.invalid', `${where}: ${problem}`);
  }

  /** Refuses a property the step type does not have (a typo would otherwise be ignored silently). */
  allowOnly(properties: readonly string[]): void {
    for (const key of Object.keys(this.step)) {
      if (key !== 'type' && !properties.includes(key)) throw this.invalid(`unknown property ${key} (a ${this.type} step takes ${listed(properties)})`);
    }
  }

  /** A required non-empty string property. */
  string(property: string): string {
    const value = this.step[property];
    if (typeof value !== 'string' || value === '') throw this.invalid(`${property} must be a non-empty string`);
    return value;
  }

  /** An optional string property that must be one of `choices`; `fallback` when absent. */
  choice<T extends string>(property: string, choices: readonly T[], fallback: T, field?: string): T {
    const value = this.step[property];
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !choices.includes(value as T)) {
      const shown = typeof value === 'string' ? value : JSON.stringify(value);
      throw this.invalid(`${property} ${shown} is not one of ${listed(choices, 'or')}`, field);
    }
    return value as T;
  }

  /** A field name the step writes: any non-empty string but `__proto__`, which a plain object cannot hold as data. */
  writtenField(property: string, field?: string): string {
    const name = this.string(property);
    if (name === '__proto__') throw this.invalid(`${property} __proto__ is not a field name Sluice can write`, field);
    return name;
  }
}

/** `a, b or c`. */
export function listed(items: readonly string[], last = 'and'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${last} ${items[items.length - 1]}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
