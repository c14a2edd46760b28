// Owns webhooks (where to send notifications, and for which events) and the record of schema changes seen.
import { randomUUID } from 'node:crypto';
import { SluiceError } from '../errors.js';
import { isUniqueViolation, type Driver } from './driver.js';

export const WEBHOOK_EVENTS = ['job.succeeded', 'job.failed', 'connection.schema_changed'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface Webhook {
  id: string;
  name: string;
  url: string;
  events: WebhookEvent[];
  createdAt: number;
}

export class WebhookRepo {
  constructor(private readonly db: Driver) {}

  async create(input: { name: string; url: string; events: WebhookEvent[] }): Promise<Webhook> {
    const id = randomUUID();
    try {
      await this.db.run('INSERT INTO webhooks (id, name, url, events, created_at) VALUES (?, ?, ?, ?, ?)', [
        id, input.name, input.url, JSON.stringify(input.events), Date.now(),
      ]);
    } catch (error) {
      if (isUniqueViolation(error)) throw new SluiceError('store.conflict', `a webhook named ${input.name} already exists`, { cause: error });
      throw error;
    }
    return (await this.list()).find((hook) => hook.id === id)!;
  }

  async list(): Promise<Webhook[]> {
    const rows = await this.db.all('SELECT * FROM webhooks ORDER BY name');
    return rows.map((row) => ({
      id: String(row['id']),
      name: String(row['name']),
      url: String(row['url']),
      events: JSON.parse(String(row['events'])) as WebhookEvent[],
      createdAt: Number(row['created_at']),
    }));
  }

  async delete(nameOrId: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM webhooks WHERE name = ? OR id = ?', [nameOrId, nameOrId])) > 0;
  }

  async recordSchemaChange(connectionId: string, jobId: number | null, diff: unknown, action: string): Promise<void> {
    await this.db.run('INSERT INTO schema_changes (connection_id, job_id, diff, action, created_at) VALUES (?, ?, ?, ?, ?)', [
      connectionId, jobId, JSON.stringify(diff), action, Date.now(),
    ]);
  }

  /** The last schema change recorded for a connection: its diff and the policy that met it. */
  async lastSchemaChange(connectionId: string): Promise<{ diff: unknown; action: string } | undefined> {
    const row = await this.db.one('SELECT diff, action FROM schema_changes WHERE connection_id = ? ORDER BY id DESC LIMIT 1', [connectionId]);
    return row ? { diff: JSON.parse(String(row['diff'])), action: String(row['action']) } : undefined;
  }
}
