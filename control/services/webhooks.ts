// Owns notifications: each event (job started, succeeded, failed or cancelled, schema changed) is POSTed as JSON
// to every webhook subscribed to it, signed with the webhook's secret (Standard Webhooks headers), retried with
// exponential backoff on a network error, a timeout or a 5xx/429 answer; a 4xx answer is final. Deliveries run
// in the background; `flush` waits for those under way (the CLI exits after). `pingWebhook` sends one test event
// now and reports how it went. Secrets are never logged.
import type { Logger } from '../../runtime/logger.js';
import type { Store } from '../store/open-store.js';
import type { WebhookTarget } from '../store/webhook-repo.js';
import { describeError } from '../../runtime/errors.js';
import { MASK } from '../../runtime/secrets.js';
import { newMessageId, signatureHeaders } from './webhook-signature.js';
import type { Connection, Job, WebhookEvent } from '../store/records.js';
import type { JobEvent } from '../jobs/job-runner.js';
import type { SchemaChangeReport } from './schema-changes.js';

export interface NotifierOptions {
  attempts?: number;
  backoffMs?: number;
  timeoutMs?: number;
}

export class Notifier {
  readonly #pending = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly options: NotifierOptions = {},
  ) {}

  readonly jobStarted = (job: Job, connection: Connection): void => {
    this.send('job.started', { connection: { id: connection.id, name: connection.name }, job: jobPayload(job) });
  };

  readonly jobFinished = (event: JobEvent): void => {
    const status = event.job.status;
    this.send(status === 'succeeded' ? 'job.succeeded' : status === 'cancelled' ? 'job.cancelled' : 'job.failed', {
      connection: { id: event.connection.id, name: event.connection.name },
      job: jobPayload(event.job),
    });
  };

  readonly schemaChanged = (connection: Connection, report: SchemaChangeReport, job: Job): void => {
    this.send('connection.schema_changed', {
      connection: { id: connection.id, name: connection.name, policy: connection.schemaChangePolicy },
      job: { id: job.id },
      diff: report.diff,
      summary: report.text,
      paused: report.paused,
    });
  };

  send(event: WebhookEvent, data: Record<string, unknown>): void {
    const delivery = this.#deliverAll(event, data).finally(() => this.#pending.delete(delivery));
    this.#pending.add(delivery);
  }

  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  async #deliverAll(event: WebhookEvent, data: Record<string, unknown>): Promise<void> {
    let targets: WebhookTarget[];
    try {
      targets = await this.store.webhooks.targets();
    } catch (error) {
      this.logger.warn({ event }, `webhooks could not be read, ${event} not sent: ${describeError(error)}`);
      return;
    }
    const hooks = targets.filter((hook) => hook.events.includes(event));
    const body = JSON.stringify({ event, sentAt: new Date().toISOString(), ...data });
    await Promise.all(hooks.map((hook) => this.#deliver(hook, event, body)));
  }

  async #deliver(hook: WebhookTarget, event: string, body: string): Promise<void> {
    const { name, secret } = hook;
    if (secret === null) this.logger.warn({ webhook: name, event }, `webhook ${name} has no signing secret (made before signatures); its payloads are unsigned: recreate it`);
    const messageId = newMessageId();
    const attempts = this.options.attempts ?? 5;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let reason: string;
      try {
        const response = await postSigned(hook, event, body, messageId, this.options.timeoutMs ?? 10_000);
        // The answer's body is not used, only read to free the connection: failing to read it changes nothing about
        // the delivery (its status has arrived), so it is only noted.
        await response.arrayBuffer().catch((error: unknown) => {
          this.logger.debug({ webhook: name, event }, `webhook ${name} answered ${event} with HTTP ${response.status} but its body could not be read: ${causeOf(error)}`);
        });
        if (response.ok) return;
        reason = `HTTP ${response.status}`;
        if (response.status < 500 && response.status !== 429) {
          this.logger.warn({ webhook: name, event }, `webhook ${name} refused ${event} (${reason}); not retried`);
          return;
        }
      } catch (error) {
        // fetch says only "fetch failed"; what failed (refused, DNS, timeout) is its cause.
        reason = causeOf(error);
      }
      if (attempt === attempts) {
        this.logger.warn({ webhook: name, event }, `webhook ${name} could not be delivered ${event} after ${attempts} attempts (${reason})`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, (this.options.backoffMs ?? 1000) * 2 ** (attempt - 1)));
    }
  }
}

/** One POST of `body` to a webhook, signed with its secret (unless it has none), within `timeoutMs`; no retry. */
function postSigned(hook: WebhookTarget, event: string, body: string, messageId: string, timeoutMs: number): Promise<Response> {
  return fetch(hook.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json', 'user-agent': 'sluice', 'x-sluice-event': event,
      ...(hook.secret === null ? {} : signatureHeaders(hook.secret, messageId, body)),
    },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
}

export interface PingResult {
  delivered: boolean;
  /** The HTTP status the receiver answered with, if it answered. */
  status?: number;
  error?: string;
}

/**
 * Sends a signed `ping` event to one webhook now, once (no retry), and says how it went: delivered on a 2xx answer.
 * The error text never holds the signing secret, whatever the failure quotes.
 */
export async function pingWebhook(hook: WebhookTarget, timeoutMs = 5_000): Promise<PingResult> {
  const body = JSON.stringify({ event: 'ping', sentAt: new Date().toISOString(), webhook: { id: hook.id, name: hook.name } });
  try {
    const response = await postSigned(hook, 'ping', body, newMessageId(), timeoutMs);
    await response.arrayBuffer().catch(() => undefined);
    return response.ok ? { delivered: true, status: response.status } : { delivered: false, status: response.status, error: `HTTP ${response.status}` };
  } catch (error) {
    const reason = causeOf(error);
    return { delivered: false, error: hook.secret === null ? reason : reason.split(hook.secret).join(MASK) };
  }
}

/** An error's message followed by its causes', e.g. "fetch failed: connect ECONNREFUSED 127.0.0.1:1". */
function causeOf(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error; current !== undefined && parts.length < 4; current = (current as { cause?: unknown }).cause) {
    parts.push(current instanceof Error ? current.message : String(current));
    if (!(current instanceof Error)) break;
  }
  return parts.join(': ');
}

function jobPayload(job: Job): Record<string, unknown> {
  return {
    id: job.id,
    status: job.status,
    trigger: job.trigger,
    attempts: job.attempts,
    recordsCommitted: job.recordsCommitted,
    bytesCommitted: job.bytesCommitted,
    failure: job.failureCode ? { code: job.failureCode, message: job.failureMessage } : null,
    createdAt: new Date(job.createdAt).toISOString(),
    finishedAt: job.finishedAt === null ? null : new Date(job.finishedAt).toISOString(),
  };
}
