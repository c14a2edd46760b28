// Owns the SQLite driver (better-sqlite3): one connection in WAL mode with a busy timeout, so a CLI and a server
// can share the file. better-sqlite3 is synchronous; a transaction holds a lock that queries from other callers
// in this process wait for, so an async transaction never sees statements that are not its own.
import Database from 'better-sqlite3';
import type { Driver, Queryable, Row, SqlValue } from './driver.js';

export class SqliteDriver implements Driver {
  readonly dialect = 'sqlite' as const;
  readonly #db: Database.Database;
  #lock: Promise<void> = Promise.resolve();
  readonly #direct: Queryable;

  constructor(readonly location: string) {
    this.#db = new Database(location);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('busy_timeout = 10000');
    this.#db.pragma('foreign_keys = ON');
    this.#db.pragma('synchronous = NORMAL');
    const db = this.#db;
    this.#direct = {
      all: async <T extends Row>(sql: string, params: SqlValue[] = []) => db.prepare(sql).all(...params) as T[],
      one: async <T extends Row>(sql: string, params: SqlValue[] = []) => db.prepare(sql).get(...params) as T | undefined,
      run: async (sql: string, params: SqlValue[] = []) => db.prepare(sql).run(...params).changes,
    };
  }

  async all<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T[]> {
    await this.#lock;
    return this.#direct.all<T>(sql, params);
  }

  async one<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T | undefined> {
    await this.#lock;
    return this.#direct.one<T>(sql, params);
  }

  async run(sql: string, params?: SqlValue[]): Promise<number> {
    await this.#lock;
    return this.#direct.run(sql, params);
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    let release!: () => void;
    const previous = this.#lock;
    this.#lock = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      // IMMEDIATE takes the write lock up front: two processes never deadlock upgrading a read lock.
      this.#db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.#direct);
        this.#db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
        throw error;
      }
    } finally {
      release();
    }
  }

  async exec(sql: string): Promise<void> {
    await this.#lock;
    this.#db.exec(sql);
  }

  async close(): Promise<void> {
    await this.#lock;
    this.#db.close();
  }
}
