// Owns the API route that tests a webhook: a signed `ping` sent now, one attempt, and whether it arrived.
import { testWebhook } from '../services/webhook-service.js';
import { nameParams, noBody } from './request-schemas.js';
import { WebhookTest, withErrors } from './response-schemas.js';
import { API, route, type Route } from './route.js';

export function webhookTestRoutes(): Route[] {
  return [
    route({ method: 'POST', path: `${API}/webhooks/{name}/test`, tag: 'webhooks', summary: 'Send the webhook a signed `ping` event now (one attempt) and say whether it was delivered',
      schema: { params: nameParams, body: noBody, response: withErrors({ 200: WebhookTest }) }, handle: async ({ store }, { params }) => ({
        body: await testWebhook(store, params['name']!),
      }) }),
  ];
}
