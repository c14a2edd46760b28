// Owns the API routes of jobs (list, show with attempts and summary, cancel, logs, live events) and of webhooks.
import { Type } from 'typebox';
import { cancelJob, findJob, jobDetail, jobLog, listJobs } from '../services/job-service.js';
import { parseLogLine } from '../services/job-log.js';
import { publicJob } from '../services/job-view.js';
import { createWebhook, deleteWebhook, listWebhooks, WEBHOOK_EVENTS } from '../services/webhook-service.js';
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
      const jobs = await listJobs(store, { connection: query.connection, limit: at.limit + 1, offset: at.offset });
      return { body: page(jobs.map(({ job, connection: name }) => publicJob(job, name)), at) };
    } }),
    route({ method: 'GET', path: `${base}/{id}`, tag, summary: 'A job with its attempts (`attemptHistory`), summary, and while it runs its live `progress`', schema: { params: idParams, response: withErrors({ 200: JobDetail }) }, handle: async ({ store, scheduler }, { params }) => {
      const { job, attempts, summary, progress } = await jobDetail(store, params['id']!, (id) => scheduler.liveStats(id));
      return { body: { ...publicJob(job), attemptHistory: attempts, summary: summary ?? null, ...(progress ? { progress } : {}) } };
    } }),
    route({ method: 'POST', path: `${base}/{id}/cancel`, tag, summary: 'Cancel a running job; the destination commits what it received', schema: { params: idParams, body: noBody, response: withErrors({ 202: Job }) }, handle: async ({ store, scheduler }, { params }) => {
      return { status: 202, body: publicJob(await cancelJob(store, scheduler, params['id']!)) };
    } }),
    route({ method: 'GET', path: `${base}/{id}/logs`, tag, summary: "The job's log lines (pino JSON objects)", schema: { params: idParams, response: withErrors({ 200: JobLogs }) }, handle: async ({ store }, { params }) => {
      const { job, lines } = await jobLog(store, params['id']!);
      return { body: { job: job.id, lines: lines.map(parseLogLine) } };
    } }),
    route({
      method: 'GET', path: `${base}/{id}/events`, tag,
      summary: "Server-sent events of a job: `status` (the job; again when it starts another attempt or is asked to cancel), then while it runs `log` (each new line of its log, masked) and `progress` (its live numbers, each data line a JobProgress) every half second; once it has ended the rest of its log, `status` and `end` (the job), and the stream closes",
      schema: {
        params: idParams,
        response: {
          200: Type.Unsafe<string>({
            description: 'Events: `status` (data: a Job), `log` (data: a log line object), `progress` (data: a JobProgress, see components) while the job runs, then `end` (data: a Job)',
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
    route({ method: 'GET', path: base, tag, summary: 'List webhooks', schema: { response: withErrors({ 200: WebhookList }) }, handle: async ({ store }) => ({ body: { data: await listWebhooks(store) } }) }),
    route({ method: 'POST', path: base, tag, summary: `Create a webhook for events: ${WEBHOOK_EVENTS.join(', ')}; the answer holds its signing secret in \`secret\`, the only time it is shown`,
      schema: { body: createWebhookBody, response: withErrors({ 201: CreatedWebhook }) },
      handle: async ({ store }, { body }) => {
        const { webhook, secret } = await createWebhook(store, {
          name: field<string>(body, 'name', 'string', true)!, url: field<string>(body, 'url', 'string', true)!, events: field<string[]>(body, 'events', 'array'),
        });
        return { status: 201, body: { ...webhook, secret } };
      } }),
    route({ method: 'DELETE', path: `${base}/{name}`, tag, summary: 'Delete a webhook', schema: { params: nameParams, response: withErrors({ 204: NoContent }) }, handle: async ({ store }, { params }) => {
      await deleteWebhook(store, params['name']!);
      return { status: 204 };
    } }),
  ];
}
