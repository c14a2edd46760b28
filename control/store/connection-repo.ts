// Owns the connections table: which source feeds which destination, with the configured catalog, namespace and
// stream prefix, schedule, status, schema-change policy, mappers (their secrets encrypted: connection-mappers.ts) and
// the worker label its jobs require.
import { randomUUID } from 'node:crypto';
import { SluiceError } from '../../runtime/errors.js';
import { isUniqueViolation, type Driver, type Row } from './driver.js';
import type { Connection, ConnectionStatus, Page, SchemaChangePolicy } from './records.js';
import { openMappers, sealMappers } from './connection-mappers.js';
import type { SecretBox } from './secret-box.js';

/** A connection's fields; `mappers` and `workerLabel` absent mean none. */
export type ConnectionInput = Omit<Connection, 'id' | 'createdAt' | 'updatedAt' | 'mappers' | 'workerLabel'> & Partial<Pick<Connection, 'mappers' | 'workerLabel'>>;

export class ConnectionRepo {
  constructor(
    private readonly db: Driver,
    private readonly box?: SecretBox,
  ) {}

  async create(input: ConnectionInput): Promise<Connection> {
    const id = randomUUID();
    const now = Date.now();
    try {
      await this.db.run(
        `INSERT INTO connections (id, name, source_id, destination_id, catalog, discovered, namespace, stream_prefix, schedule, status,
           status_reason, schema_change_policy, mappers, worker_label, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [id, ...this.#values(input), now, now],
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new SluiceError('store.conflict', `a connection named ${input.name} already exists`, { cause: error });
      throw error;
    }
    return (await this.byId(id))!;
  }

  async update(id: string, input: ConnectionInput): Promise<Connection> {
    try {
      await this.db.run(
        `UPDATE connections SET name = ?, source_id = ?, destination_id = ?, catalog = ?, discovered = ?, namespace = ?, stream_prefix = ?,
           schedule = ?, status = ?, status_reason = ?, schema_change_policy = ?, mappers = ?, worker_label = ?, updated_at = ? WHERE id = ?`,
        [...this.#values(input), Date.now(), id],
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new SluiceError('store.conflict', `a connection named ${input.name} already exists`, { cause: error });
      throw error;
    }
    return (await this.byId(id))!;
  }

  async setStatus(id: string, status: ConnectionStatus, reason: string | null): Promise<void> {
    await this.db.run('UPDATE connections SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?', [status, reason, Date.now(), id]);
  }

  async delete(id: string): Promise<void> {
    await this.db.run('DELETE FROM connections WHERE id = ?', [id]);
  }

  async byId(id: string): Promise<Connection | undefined> {
    const row = await this.db.one('SELECT * FROM connections WHERE id = ?', [id]);
    return row && this.#fromRow(row);
  }

  async find(nameOrId: string): Promise<Connection | undefined> {
    const row = await this.db.one('SELECT * FROM connections WHERE name = ? OR id = ?', [nameOrId, nameOrId]);
    return row && this.#fromRow(row);
  }

  async list(page: Page = {}): Promise<Connection[]> {
    const rows = await this.db.all('SELECT * FROM connections ORDER BY name LIMIT ? OFFSET ?', [page.limit ?? 1_000_000, page.offset ?? 0]);
    return rows.map((row) => this.#fromRow(row));
  }

  async usingActor(actorId: string): Promise<Connection[]> {
    const rows = await this.db.all('SELECT * FROM connections WHERE source_id = ? OR destination_id = ? ORDER BY name', [actorId, actorId]);
    return rows.map((row) => this.#fromRow(row));
  }

  #values(input: ConnectionInput): Array<string | null> {
    return [
      input.name, input.sourceId, input.destinationId, JSON.stringify(input.catalog),
      input.discovered === null ? null : JSON.stringify(input.discovered), input.namespace, input.streamPrefix,
      input.schedule, input.status, input.statusReason, input.schemaChangePolicy, sealMappers(input.mappers, this.box),
      input.workerLabel ?? null,
    ];
  }

  #fromRow(row: Row): Connection {
    return { ...fromRow(row), mappers: openMappers(row['mappers'], this.box, String(row['name'])) };
  }
}

function fromRow(row: Row): Omit<Connection, 'mappers'> {
  return {
    id: String(row['id']),
    name: String(row['name']),
    sourceId: String(row['source_id']),
    destinationId: String(row['destination_id']),
    catalog: JSON.parse(String(row['catalog'])),
    discovered: row['discovered'] == null ? null : JSON.parse(String(row['discovered'])),
    namespace: (row['namespace'] as string | null) ?? null,
    streamPrefix: String(row['stream_prefix'] ?? ''),
    schedule: (row['schedule'] as string | null) ?? null,
    status: row['status'] as ConnectionStatus,
    statusReason: (row['status_reason'] as string | null) ?? null,
    schemaChangePolicy: row['schema_change_policy'] as SchemaChangePolicy,
    workerLabel: (row['worker_label'] as string | null) ?? null,
    createdAt: Number(row['created_at']),
    updatedAt: Number(row['updated_at']),
  };
}
