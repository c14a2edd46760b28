// Owns the condition language of `--map STREAM:filter(keep|drop CONDITION)`: comparisons `field = value`, `!=`,
// `<`, `<=`, `>`, `>=`, `field in (a, b)`, `field not in (…)`, `field is null`, `field is not null`, combined with
// `and`, `or`, `not` and parentheses (`not` binds tightest, then `and`, then `or`). A value is a number, a quoted
// string ('…' or "…", a doubled quote inside stands for itself), true, false, null, or a bare word read as a string
// (`country in (US, CA)`). A field is a bare name (letters, digits, _ . -) or a double-quoted one.
// Errors carry the 0-based offset in the condition; map-spec.ts turns it into a column of the whole flag.
import type { Condition, ConditionValue } from '../../runtime/mappers/index.js';

export class ConditionError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

type TokenKind = 'word' | 'string' | 'number' | 'op' | 'punct' | 'end';
interface Token {
  kind: TokenKind;
  text: string;
  /** For a string: its unquoted value. */
  value?: string;
  at: number;
  /** A double-quoted word: always a name, never a keyword. */
  quoted?: boolean;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'null', 'true', 'false']);
const COMPARISONS: Readonly<Record<string, 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'>> = { '=': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' };

export function parseCondition(text: string): Condition {
  const parser = new Parser(tokenize(text));
  const condition = parser.or();
  parser.expectEnd();
  return condition;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    const at = i;
    if (char === "'" || char === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new ConditionError(`the quote opened here is not closed`, at);
        if (text[i] === char && text[i + 1] === char) {
          value += char;
          i += 2;
        } else if (text[i] === char) {
          i++;
          break;
        } else value += text[i++];
      }
      tokens.push(char === '"' ? { kind: 'word', text: value, at, quoted: true } : { kind: 'string', text: text.slice(at, i), value, at });
      continue;
    }
    const op = /^(<=|>=|!=|=|<|>)/.exec(text.slice(i));
    if (op) {
      tokens.push({ kind: 'op', text: op[1]!, at });
      i += op[1]!.length;
      continue;
    }
    if (char === '(' || char === ')' || char === ',') {
      tokens.push({ kind: 'punct', text: char, at });
      i++;
      continue;
    }
    const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?(?![\w.-])/.exec(text.slice(i));
    if (number) {
      tokens.push({ kind: 'number', text: number[0], at });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z0-9_][\w.-]*/.exec(text.slice(i));
    if (!word) throw new ConditionError(`unexpected character ${char}`, at);
    tokens.push({ kind: 'word', text: word[0], at });
    i += word[0].length;
  }
  tokens.push({ kind: 'end', text: 'the end', at: text.length });
  return tokens;
}

class Parser {
  #index = 0;

  constructor(private readonly tokens: Token[]) {}

  or(): Condition {
    const parts = [this.and()];
    while (this.#keyword('or')) parts.push(this.and());
    return parts.length === 1 ? parts[0]! : { or: parts };
  }

  expectEnd(): void {
    const next = this.#peek();
    if (next.kind !== 'end') throw new ConditionError(`expected and, or or the end, found ${next.text}`, next.at);
  }

  and(): Condition {
    const parts = [this.unary()];
    while (this.#keyword('and')) parts.push(this.unary());
    return parts.length === 1 ? parts[0]! : { and: parts };
  }

  unary(): Condition {
    if (this.#keyword('not')) return { not: this.unary() };
    const next = this.#peek();
    if (next.kind === 'punct' && next.text === '(') {
      this.#index++;
      const inner = this.or();
      this.#punct(')');
      return inner;
    }
    return this.comparison();
  }

  comparison(): Condition {
    const name = this.#peek();
    if (name.kind !== 'word' || (!name.quoted && KEYWORDS.has(name.text.toLowerCase()))) {
      throw new ConditionError(`expected a field name, found ${name.text}`, name.at);
    }
    this.#index++;
    const field = name.text;
    const next = this.#peek();
    if (next.kind === 'op') {
      this.#index++;
      const operator = COMPARISONS[next.text]!;
      const value = this.value();
      if ((operator === 'eq' || operator === 'ne') || typeof value === 'number' || typeof value === 'string') {
        return { field, [operator]: value } as Condition;
      }
      throw new ConditionError(`${next.text} compares with a number or a string, not ${String(value)}`, next.at);
    }
    if (this.#keyword('in')) return { field, in: this.list() };
    if (this.#keyword('not')) {
      if (!this.#keyword('in')) throw new ConditionError(`expected in after not`, this.#peek().at);
      return { not: { field, in: this.list() } };
    }
    if (this.#keyword('is')) {
      const negated = this.#keyword('not');
      if (!this.#keyword('null')) throw new ConditionError(`expected null after is${negated ? ' not' : ''}`, this.#peek().at);
      return { field, is_null: !negated };
    }
    throw new ConditionError(`expected =, !=, <, <=, >, >=, in, not in or is after ${field}, found ${next.text}`, next.at);
  }

  list(): ConditionValue[] {
    this.#punct('(');
    const values = [this.value()];
    while (this.#peek().text === ',' && this.#peek().kind === 'punct') {
      this.#index++;
      values.push(this.value());
    }
    this.#punct(')');
    return values;
  }

  value(): ConditionValue {
    const token = this.#peek();
    this.#index++;
    if (token.kind === 'string') return token.value!;
    if (token.kind === 'number') return Number(token.text);
    if (token.kind === 'word' && !token.quoted) {
      const lower = token.text.toLowerCase();
      if (lower === 'true' || lower === 'false') return lower === 'true';
      if (lower === 'null') return null;
      if (!KEYWORDS.has(lower)) return token.text;
    }
    throw new ConditionError(`expected a value (a number, a quoted string, a word, true, false or null), found ${token.text}`, token.at);
  }

  #peek(): Token {
    return this.tokens[this.#index]!;
  }

  #keyword(word: string): boolean {
    const token = this.#peek();
    if (token.kind !== 'word' || token.quoted || token.text.toLowerCase() !== word) return false;
    this.#index++;
    return true;
  }

  #punct(text: string): void {
    const token = this.#peek();
    if (token.kind !== 'punct' || token.text !== text) throw new ConditionError(`expected ${text}, found ${token.text}`, token.at);
    this.#index++;
  }
}
