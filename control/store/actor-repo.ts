// Owns the actors table: sources and destinations with their connector reference and config. Secret fields
// (the spec's airbyte_secret paths, stored with the actor) are encrypted before a row is written and decrypted
// when it is read; nothing else in Sluice sees the encrypted form.
import { randomUUID } from 'node:crypto';
import { SluiceError } from '../../runtime/errors.js';
import { isUniqueViolation, type Driver, type Row } from './driver.js';
import type { Actor, ActorKind, Page } from './records.js';
import type { SecretBox } from './secret-box.js';
import { mapSecrets } from './secret-fields.js';

export interface ActorInput {
  name: string;
  connector: string;
  config: unknown;
  secretPaths: string[][];
}

export class ActorRepo {
  constructor(
    private readonly db: Driver,
    private readonly box: SecretBox,
  ) {}

  async create(kind: ActorKind, input: ActorInput): Promise<Actor> {
    const now = Date.now();
    const id = randomUUID();
    try {
      await this.db.run(
        'INSERT INTO actors (id, kind, name, connector, config, secret_paths, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [id, kind, input.name, input.connector, this.#seal(input), JSON.stringify(input.secretPaths), now, now],
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new SluiceError('store.conflict', `a ${kind} named ${input.name} already exists`, { cause: error });
      throw error;
    }
    return (await this.byId(id))!;
  }

  async update(actor: Actor, input: ActorInput): Promise<Actor> {
    try {
      await this.db.run('UPDATE actors SET name = ?, connector = ?, config = ?, secret_paths = ?, updated_at = ? WHERE id = ?', [
        input.name, input.connector, this.#seal(input), JSON.stringify(input.secretPaths), Date.now(), actor.id,
      ]);
    } catch (error) {
      if (isUniqueViolation(error)) throw new SluiceError('store.conflict', `a ${actor.kind} named ${input.name} already exists`, { cause: error });
      throw error;
    }
    return (await this.byId(actor.id))!;
  }

  async delete(id: string): Promise<void> {
    await this.db.run('DELETE FROM actors WHERE id = ?', [id]);
  }

  async byId(id: string): Promise<Actor | undefined> {
    const row = await this.db.one('SELECT * FROM actors WHERE id = ?', [id]);
    return row && this.#open(row);
  }

  /** By name, or by id. */
  async find(kind: ActorKind, nameOrId: string): Promise<Actor | undefined> {
    const row = await this.db.one('SELECT * FROM actors WHERE kind = ? AND (name = ? OR id = ?)', [kind, nameOrId, nameOrId]);
    return row && this.#open(row);
  }

  async list(kind: ActorKind, page: Page = {}): Promise<Actor[]> {
    const rows = await this.db.all('SELECT * FROM actors WHERE kind = ? ORDER BY name LIMIT ? OFFSET ?', [kind, page.limit ?? 1_000_000, page.offset ?? 0]);
    return rows.map((row) => this.#open(row));
  }

  #seal(input: ActorInput): string {
    return JSON.stringify(mapSecrets(input.config, input.secretPaths, (value) => this.box.encrypt(value)));
  }

  #open(row: Row): Actor {
    const secretPaths = JSON.parse(String(row['secret_paths'])) as string[][];
    const name = String(row['name']);
    const kind = row['kind'] as ActorKind;
    return {
      id: String(row['id']),
      kind,
      name,
      connector: String(row['connector']),
      config: mapSecrets(JSON.parse(String(row['config'])), secretPaths, (value, path) =>
        typeof value === 'string' ? this.box.decrypt(value, `${kind} ${name}, field ${path}`) : value,
      ),
      secretPaths,
      createdAt: Number(row['created_at']),
      updatedAt: Number(row['updated_at']),
    };
  }
}
