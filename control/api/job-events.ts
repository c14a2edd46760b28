// Owns the server-sent events of a job (GET /api/v1/jobs/{id}/events), for the dashboard: while the job runs, a
// `progress` event every half second with its live numbers (records emitted and committed, per stream, from the
// attempt under way when this process runs it, from the job's row when another process does), then one `end`
// event with the job as it ended, and the stream closes. A job that has already ended gets its `end` at once.
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from '../store/records.js';
import type { StreamStats } from '../../runtime/sync/sync-stats.js';
import { findJob } from '../services/job-service.js';
import { publicJob } from '../services/job-view.js';
import { stringifyExactJson } from '../../protocol/exact-json.js';
import type { ApiDeps } from './route.js';

const PROGRESS_EVERY_MS = 500;

export function jobEventStream({ store, scheduler }: ApiDeps, job: Job, closed: () => boolean): Readable {
  async function* events(): AsyncGenerator<string> {
    // A comment first, so that the client sees the stream open at once.
    yield `: job ${job.id}\n\n`;
    for (let current = job; ; ) {
      if (current.status !== 'running') {
        yield event('end', publicJob(current));
        return;
      }
      yield event('progress', progressOf(current, scheduler.liveStats(current.id)?.streams.values()));
      await sleep(PROGRESS_EVERY_MS);
      if (closed()) return;
      current = await findJob(store, String(job.id));
    }
  }
  return Readable.from(events(), { objectMode: false });
}

function progressOf(job: Job, live: Iterable<StreamStats> | undefined) {
  const streams = live ? [...live].map((stats) => ({ ...stats })) : [];
  const sum = (field: 'recordsEmitted' | 'recordsCommitted') => streams.reduce((total, stats) => total + stats[field], 0);
  return {
    job: job.id,
    status: job.status,
    recordsEmitted: live ? sum('recordsEmitted') : job.recordsEmitted,
    recordsCommitted: live ? sum('recordsCommitted') : job.recordsCommitted,
    streams,
  };
}

function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${stringifyExactJson(data)}\n\n`;
}
