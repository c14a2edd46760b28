// Owns the one interface the store talks to a database through: parameterised queries with `?` placeholders,
// statements, and transactions. Two implementations: SQLite (sqlite-driver.ts) and PostgreSQL
// (postgres-driver.ts); repositories never know which one they have.
export type SqlValue = string | number | null;
export type Row = Record<string, unknown>;

export interface Queryable {
  /** Rows of a SELECT (or of a statement with RETURNING). */
  all<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T[]>;
  /** The first row, or undefined. */
  one<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T | undefined>;
  /** A statement; returns how many rows it changed. */
  run(sql: string, params?: SqlValue[]): Promise<number>;
}

export interface Driver extends Queryable {
  readonly dialect: 'sqlite' | 'postgres';
  /** Where the database is, for messages (a file path, or the URL without its password). */
  readonly location: string;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Several statements separated by semicolons, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** Whether an error is a unique-constraint violation, in either database. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
