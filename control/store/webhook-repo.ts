// Owns webhooks (where to send notifications, for which events, and the secret their payloads are signed with)
// and the record of schema changes seen. A signing secret is made at creation, returned that once, and kept
// encrypted with the workspace's secret key; listing never shows it.
import { randomBytes, randomUUID } from 'node:crypto';
import { SluiceError } from '../../runtime/errors.js';
import { isUniqueViolation, type Driver } from './driver.js';
import type { SecretBox } from './secret-box.js';
import type { WebhookEvent } from './records.js';

export interface Webhook {
  id: string;
  name: string;
  url: string;
  events: WebhookEvent[];
  createdAt: number;
}

/** A webhook as the notifier needs it: with its signing secret in clear, or null for one made before secrets. */
export interface WebhookTarget extends Webhook {
  secret: string | null;
}

export class WebhookRepo {
  constructor(
    private readonly db: Driver,
    private readonly box: SecretBox,
  ) {}

  /** Creates a webhook and its signing secret, returned here only. */
  async create(input: { name: string; url: string; events: WebhookEvent[] }): Promise<{ webhook: Webhook; secret: string }> {
    const id = randomUUID();
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    try {
      await this.db.run('INSERT INTO webhooks (id, name, url, events, secret, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
        id, input.name, input.url, JSON.stringify(input.events), this.box.encrypt(secret), Date.now(),
      ]);
    } catch (error) {
      if (isUniqueViolation(error)) throw new SluiceError('store.conflict', `a webhook named ${input.name} already exists`, { cause: error });
      throw error;
    }
    return { webhook: (await this.list()).find((hook) => hook.id === id)!, secret };
  }

  async list(): Promise<Webhook[]> {
    return (await this.db.all('SELECT id, name, url, events, created_at FROM webhooks ORDER BY name')).map(webhookOf);
  }

  /** Every webhook with its signing secret decrypted, for delivery only. */
  async targets(): Promise<WebhookTarget[]> {
    const rows = await this.db.all('SELECT id, name, url, events, secret, created_at FROM webhooks ORDER BY name');
    return rows.map((row) => ({
      ...webhookOf(row),
      secret: row['secret'] === null || row['secret'] === undefined ? null : String(this.box.decrypt(String(row['secret']), `webhook ${String(row['name'])} secret`)),
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

function webhookOf(row: Record<string, unknown>): Webhook {
  return {
    id: String(row['id']),
    name: String(row['name']),
    url: String(row['url']),
    events: JSON.parse(String(row['events'])) as WebhookEvent[],
    createdAt: Number(row['created_at']),
  };
}
