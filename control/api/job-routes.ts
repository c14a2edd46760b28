// Owns the API routes of jobs (list, show with attempts and summary, cancel, logs) and of webhooks.
import { cancelJob, jobDetail, jobLog, listJobs } from '../services/job-service.js';
import { publicJob } from '../services/job-view.js';
import { createWebhook, deleteWebhook, listWebhooks, WEBHOOK_EVENTS } from '../services/webhook-service.js';
import { field, page, pagination } from './request-body.js';
import { createWebhookBody } from './request-schemas.js';
import { API, type Route } from './route.js';

export function jobRoutes(): Route[] {
  const base = `${API}/jobs`;
  const tag = 'jobs';
  return [
    { method: 'GET', path: base, tag, paged: true, summary: 'Jobs of every connection (or ?connection=NAME), newest first', handle: async ({ store }, { query }) => {
      const at = pagination(query);
      const connection = query.get('connection') ?? undefined;
      const jobs = await listJobs(store, { connection, limit: at.limit + 1, offset: at.offset });
      return { body: page(jobs.map(({ job, connection: name }) => publicJob(job, name)), at) };
    } },
    { method: 'GET', path: `${base}/{id}`, tag, summary: 'A job with its attempts and summary', handle: async ({ store }, { params }) => {
      const { job, attempts, summary } = await jobDetail(store, params['id']!);
      return { body: { ...publicJob(job), attempts, summary: summary ?? null } };
    } },
    { method: 'POST', path: `${base}/{id}/cancel`, tag, summary: 'Cancel a running job; the destination commits what it received', handle: async ({ store, scheduler }, { params }) => {
      return { status: 202, body: publicJob(await cancelJob(store, scheduler, params['id']!)) };
    } },
    { method: 'GET', path: `${base}/{id}/logs`, tag, summary: "The job's log lines (pino JSON objects)", handle: async ({ store }, { params }) => {
      const { job, lines } = await jobLog(store, params['id']!);
      return { body: { job: job.id, lines: lines.map((line) => parseLine(line)) } };
    } },
  ];
}

export function webhookRoutes(): Route[] {
  const base = `${API}/webhooks`;
  const tag = 'webhooks';
  return [
    { method: 'GET', path: base, tag, summary: 'List webhooks', handle: async ({ store }) => ({ body: { data: await listWebhooks(store) } }) },
    { method: 'POST', path: base, tag, summary: `Create a webhook for events: ${WEBHOOK_EVENTS.join(', ')}; the answer holds its signing secret in \`secret\`, the only time it is shown`, body: createWebhookBody,
      handle: async ({ store }, { body }) => {
        const { webhook, secret } = await createWebhook(store, {
          name: field<string>(body, 'name', 'string', true)!, url: field<string>(body, 'url', 'string', true)!, events: field<string[]>(body, 'events', 'array'),
        });
        return { status: 201, body: { ...webhook, secret } };
      } },
    { method: 'DELETE', path: `${base}/{name}`, tag, summary: 'Delete a webhook', handle: async ({ store }, { params }) => {
      await deleteWebhook(store, params['name']!);
      return { status: 204 };
    } },
  ];
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return { msg: line };
  }
}
