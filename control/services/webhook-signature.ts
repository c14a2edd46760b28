// Owns signing webhook payloads the Standard Webhooks way (standardwebhooks.com), with its maintained library:
// `webhook-id` (one per event and webhook, the same on every retry), `webhook-timestamp` (seconds, of this
// attempt) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of id.timestamp.body>` keyed by the `whsec_` secret).
// A receiver verifies with `new Webhook(secret).verify(body, headers)` from the same library.
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export function newMessageId(): string {
  return `msg_${randomUUID()}`;
}

export function signatureHeaders(secret: string, messageId: string, body: string, now: Date = new Date()): Record<string, string> {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(messageId, now, body),
  };
}
