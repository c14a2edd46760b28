// Owns the Settings page's side of the REST API: notification webhooks (list, create with a signing secret shown
// once, test, delete) and API tokens (list, create with the token shown once, revoke).
import { del, enc, get, post, type Page } from '../api';

/** The events a webhook can be sent (control/store/webhook-repo.ts WEBHOOK_EVENTS), with what each one means. */
export const WEBHOOK_EVENTS = [
  { name: 'job.started', meaning: 'a sync starts' },
  { name: 'job.succeeded', meaning: 'a sync succeeds' },
  { name: 'job.failed', meaning: 'a sync fails' },
  { name: 'job.cancelled', meaning: 'a sync is cancelled' },
  { name: 'connection.schema_changed', meaning: "a source's schema changed" },
] as const;

export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number]['name'];

/** Times come as epoch milliseconds from these routes; an ISO string is read as well. */
export type Instant = number | string;

export interface Webhook {
  id: string;
  name: string;
  url: string;
  events: WebhookEventName[];
  createdAt: Instant;
}

export interface WebhookTestResult {
  delivered: boolean;
  status?: number;
  error?: string;
}

export interface ApiToken {
  id: string;
  name: string;
  createdAt: Instant;
  lastUsedAt: Instant | null;
}

export const settingsKeys = {
  webhooks: ['webhooks'] as const,
  tokens: ['tokens'] as const,
};

export const listWebhooks = () => get<{ data: Webhook[] }>('/webhooks');

export const createWebhook = (input: { name: string; url: string; events: WebhookEventName[] }) =>
  post<Webhook & { secret: string }>('/webhooks', input);

export const testWebhook = (name: string) => post<WebhookTestResult>(`/webhooks/${enc(name)}/test`);

export const deleteWebhook = (name: string) => del(`/webhooks/${enc(name)}`);

// One page of 200 is plenty for the tokens a workspace holds; the list says so when there are more.
export const listTokens = () => get<Page<ApiToken>>('/tokens?limit=200');

export const createToken = (name: string) => post<ApiToken & { token: string }>('/tokens', { name });

export const revokeToken = (name: string) => del(`/tokens/${enc(name)}`);

export const isoOf = (instant: Instant): string => new Date(instant).toISOString();
