// Owns the API routes of jobs (list, show with attempts and summary, cancel, logs) and of webhooks.
import { SluiceError } from '../../runtime/errors.js';
import type { Store } from '../store/open-store.js';
import { WEBHOOK_EVENTS, type WebhookEvent } from '../store/webhook-repo.js';
import { findConnection } from '../services/connection-service.js';
import { publicJob } from '../services/job-view.js';
import { readJobLog } from '../services/job-log.js';
import { field, page, pagination } from './request-body.js';
import { createWebhookBody } from './request-schemas.js';
import { API, type Route } from './route.js';

export function jobRoutes(): Route[] {
  const base = `${API}/jobs`;
  const tag = 'jobs';
  return [
    { method: 'GET', path: base, tag, paged: true, summary: 'Jobs of every connection (or ?connection=NAME), newest first', handle: async ({ store }, { query }) => {
      const at = pagination(query);
      const name = query.get('connection');
      const connectionId = name === null ? undefined : (await findConnection(store, name)).id;
      const names = new Map((await store.connections.list()).map((item) => [item.id, item.name]));
      const jobs = await store.jobs.list({ connectionId, limit: at.limit + 1, offset: at.offset });
      return { body: page(jobs.map((job) => publicJob(job, names.get(job.connectionId))), at) };
    } },
    { method: 'GET', path: `${base}/{id}`, tag, summary: 'A job with its attempts and summary', handle: async ({ store }, { params }) => {
      const job = await findJob(store, params['id']!);
      return { body: { ...publicJob(job), attempts: await store.jobs.attempts(job.id), summary: (await store.jobs.summary(job.id)) ?? null } };
    } },
    { method: 'POST', path: `${base}/{id}/cancel`, tag, summary: 'Cancel a running job; the destination commits what it received', handle: async ({ store, scheduler }, { params }) => {
      const job = await findJob(store, params['id']!);
      if (job.status !== 'running') throw new SluiceError('job.not_found', `job ${job.id} is not running (it ${job.status})`);
      await scheduler.cancel(job.id);
      return { status: 202, body: publicJob((await store.jobs.byId(job.id))!) };
    } },
    { method: 'GET', path: `${base}/{id}/logs`, tag, summary: "The job's log lines (pino JSON objects)", handle: async ({ store }, { params }) => {
      const job = await findJob(store, params['id']!);
      return { body: { job: job.id, lines: readJobLog(job.logPath).map((line) => parseLine(line)) } };
    } },
  ];
}

export function webhookRoutes(): Route[] {
  const base = `${API}/webhooks`;
  const tag = 'webhooks';
  return [
    { method: 'GET', path: base, tag, summary: 'List webhooks', handle: async ({ store }) => ({ body: { data: await store.webhooks.list() } }) },
    { method: 'POST', path: base, tag, summary: `Create a webhook for events: ${WEBHOOK_EVENTS.join(', ')}; the answer holds its signing secret in \`secret\`, the only time it is shown`, body: createWebhookBody,
      handle: async ({ store }, { body }) => {
        const events = field<string[]>(body, 'events', 'array') ?? [...WEBHOOK_EVENTS];
        for (const event of events) {
          if (!WEBHOOK_EVENTS.includes(event as WebhookEvent)) throw new SluiceError('api.bad_request', `event ${event}: expected one of ${WEBHOOK_EVENTS.join(', ')}`);
        }
        const url = field<string>(body, 'url', 'string', true)!;
        if (!/^https?:\/\//.test(url)) throw new SluiceError('api.bad_request', `url ${url}: expected an http or https URL`);
        const { webhook, secret } = await store.webhooks.create({ name: field<string>(body, 'name', 'string', true)!, url, events: events as WebhookEvent[] });
        return { status: 201, body: { ...webhook, secret } };
      } },
    { method: 'DELETE', path: `${base}/{name}`, tag, summary: 'Delete a webhook', handle: async ({ store }, { params }) => {
      if (!(await store.webhooks.delete(params['name']!))) throw new SluiceError('api.not_found', `no webhook named ${params['name']}`);
      return { status: 204 };
    } },
  ];
}

async function findJob(store: Store, id: string) {
  const job = /^\d+$/.test(id) ? await store.jobs.byId(Number(id)) : undefined;
  if (!job) throw new SluiceError('job.not_found', `no job ${id}`);
  return job;
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return { msg: line };
  }
}
