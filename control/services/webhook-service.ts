// Owns defining webhooks for both the CLI (`sluice webhook`) and the API (`/api/v1/webhooks`): the events must
// be known ones (none given: all of them), the URL http or https; creating returns the signing secret, the only
// time it is shown; deleting an unknown name is a not-found error; testing one sends it a signed `ping` now.
// Delivering notifications is webhooks.ts's job.
import { SluiceError } from '../../runtime/errors.js';
import type { Store } from '../store/open-store.js';
import { WEBHOOK_EVENTS, type WebhookEvent } from '../store/records.js';
import type { Webhook } from '../store/webhook-repo.js';
import { pingWebhook, type PingResult } from './webhooks.js';

export { WEBHOOK_EVENTS, type WebhookEvent, type Webhook };

export async function createWebhook(store: Store, input: { name: string; url: string; events?: readonly string[] }): Promise<{ webhook: Webhook; secret: string }> {
  const events = input.events ?? [...WEBHOOK_EVENTS];
  for (const event of events) {
    if (!WEBHOOK_EVENTS.includes(event as WebhookEvent)) throw new SluiceError('webhook.invalid', `event ${event}: expected one of ${WEBHOOK_EVENTS.join(', ')}`);
  }
  if (!/^https?:\/\//.test(input.url)) throw new SluiceError('webhook.invalid', `url ${input.url}: expected an http or https URL`);
  return store.webhooks.create({ name: input.name, url: input.url, events: events as WebhookEvent[] });
}

/** Every webhook, without its secret. */
export function listWebhooks(store: Store): Promise<Webhook[]> {
  return store.webhooks.list();
}

export async function deleteWebhook(store: Store, nameOrId: string): Promise<void> {
  if (!(await store.webhooks.delete(nameOrId))) throw new SluiceError('webhook.not_found', `no webhook named ${nameOrId}`);
}

/** Sends the webhook a signed `ping` notification now, one attempt with a short timeout, and says how it went. */
export async function testWebhook(store: Store, nameOrId: string, timeoutMs?: number): Promise<PingResult> {
  const hook = (await store.webhooks.targets()).find((target) => target.name === nameOrId || target.id === nameOrId);
  if (!hook) throw new SluiceError('webhook.not_found', `no webhook named ${nameOrId}`);
  return pingWebhook(hook, timeoutMs);
}
