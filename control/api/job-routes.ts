// Owns the API routes of jobs (list, show with attempts and summary, cancel, logs, live events) and of webhooks.
import { Type } from 'typebox';
import { SluiceError } from '../../runtime/errors.js';
import type { Store } from '../store/open-store.js';
import { WEBHOOK_EVENTS, type WebhookEvent } from '../store/webhook-repo.js';
import { findConnection } from '../services/connection-service.js';
import { publicJob } from '../services/job-view.js';
import { readJobLog } from '../services/job-log.js';
import { field, page, pagination } from './request-body.js';
import { createWebhookBody, idParams, jobsQuery, nameParams, noBody } from './request-schemas.js';
import { CreatedWebhook, ErrorBody, Job, JobDetail, JobLogs, NoContent, Page, WebhookList, withErrors } from './response-schemas.js';
import { jobEventStream } from './job-events.js';
import { API, route, type Route } from './route.js';

export function jobRoutes(): Route[] {
  const base = `${API}/jobs`;
  const tag = 'jobs';
  return [
    route({ method: 'GET', path: base, tag, summary: 'Jobs of every connection (or ?connection=NAME), newest first', schema: { querystring: jobsQuery, response: withErrors({ 200: Page(Job) }) }, handle: async ({ store }, { query }) => {
      const at = pagination(query);
      const name = query.connection;
      const connectionId = name === undefined ? undefined : (await findConnection(store, name)).id;
      const names = new Map((await store.connections.list()).map((item) => [item.id, item.name]));
      const jobs = await store.jobs.list({ connectionId, limit: at.limit + 1, offset: at.offset });
      return { body: page(jobs.map((job) => publicJob(job, names.get(job.connectionId))), at) };
    } }),
    route({ method: 'GET', path: `${base}/{id}`, tag, summary: 'A job with its attempts and summary', schema: { params: idParams, response: withErrors({ 200: JobDetail }) }, handle: async ({ store }, { params }) => {
      const job = await findJob(store, params['id']!);
      return { body: { ...publicJob(job), attempts: await store.jobs.attempts(job.id), summary: (await store.jobs.summary(job.id)) ?? null } };
    } }),
    route({ method: 'POST', path: `${base}/{id}/cancel`, tag, summary: 'Cancel a running job; the destination commits what it received', schema: { params: idParams, body: noBody, response: withErrors({ 202: Job }) }, handle: async ({ store, scheduler }, { params }) => {
      const job = await findJob(store, params['id']!);
      if (job.status !== 'running') throw new SluiceError('job.not_found', `job ${job.id} is not running (it ${job.status})`);
      await scheduler.cancel(job.id);
      return { status: 202, body: publicJob((await store.jobs.byId(job.id))!) };
    } }),
    route({ method: 'GET', path: `${base}/{id}/logs`, tag, summary: "The job's log lines (pino JSON objects)", schema: { params: idParams, response: withErrors({ 200: JobLogs }) }, handle: async ({ store }, { params }) => {
      const job = await findJob(store, params['id']!);
      return { body: { job: job.id, lines: readJobLog(job.logPath).map((line) => parseLine(line)) } };
    } }),
    route({
      method: 'GET', path: `${base}/{id}/events`, tag,
      summary: "Server-sent events of a job: `progress` (its live numbers, each data line a JobProgress) every half second while it runs, then `end` (the job) and the stream closes",
      schema: {
        params: idParams,
        response: {
          200: Type.Unsafe<string>({
            description: 'Events: `progress` (data: a JobProgress, see components) while the job runs, then `end` (data: a Job)',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          }),
          '4xx': ErrorBody,
          '5xx': ErrorBody,
        },
      },
      handle: async (deps, { params, closed }) => {
        const job = await findJob(deps.store, params['id']!);
        return { headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' }, stream: jobEventStream(deps, job, closed) };
      },
    }),
  ];
}

export function webhookRoutes(): Route[] {
  const base = `${API}/webhooks`;
  const tag = 'webhooks';
  return [
    route({ method: 'GET', path: base, tag, summary: 'List webhooks', schema: { response: withErrors({ 200: WebhookList }) }, handle: async ({ store }) => ({ body: { data: await store.webhooks.list() } }) }),
    route({ method: 'POST', path: base, tag, summary: `Create a webhook for events: ${WEBHOOK_EVENTS.join(', ')}; the answer holds its signing secret in \`secret\`, the only time it is shown`,
      schema: { body: createWebhookBody, response: withErrors({ 201: CreatedWebhook }) },
      handle: async ({ store }, { body }) => {
        const events = field<string[]>(body, 'events', 'array') ?? [...WEBHOOK_EVENTS];
        for (const event of events) {
          if (!WEBHOOK_EVENTS.includes(event as WebhookEvent)) throw new SluiceError('api.bad_request', `event ${event}: expected one of ${WEBHOOK_EVENTS.join(', ')}`);
        }
        const url = field<string>(body, 'url', 'string', true)!;
        if (!/^https?:\/\//.test(url)) throw new SluiceError('api.bad_request', `url ${url}: expected an http or https URL`);
        const { webhook, secret } = await store.webhooks.create({ name: field<string>(body, 'name', 'string', true)!, url, events: events as WebhookEvent[] });
        return { status: 201, body: { ...webhook, secret } };
      } }),
    route({ method: 'DELETE', path: `${base}/{name}`, tag, summary: 'Delete a webhook', schema: { params: nameParams, response: withErrors({ 204: NoContent }) }, handle: async ({ store }, { params }) => {
      if (!(await store.webhooks.delete(params['name']!))) throw new SluiceError('api.not_found', `no webhook named ${params['name']}`);
      return { status: 204 };
    } }),
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
