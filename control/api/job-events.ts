// Owns the server-sent events of a job (GET /api/v1/jobs/{id}/events), for the dashboard: `status` with the running
// job first (and again when it starts another attempt or is asked to cancel), then while it runs every half second
// each new line of its log as a `log` event (the line as stored, secrets already masked) and a `progress` event with
// its live numbers (per stream, from the attempt under way when this process runs it, from the job's row when another
// process does); once it has ended, the rest of its log, `status` and one `end` event with the job as it ended, and
// the stream closes. A job that has already ended gets its log, status and end at once.
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from '../store/records.js';
import { findJob, jobLogSince } from '../services/job-service.js';
import { jobProgress, withLiveTotals } from '../services/job-progress.js';
import { publicJob } from '../services/job-view.js';
import { stringifyExactJson } from '../../protocol/exact-json.js';
import type { ApiDeps } from './route.js';

const PROGRESS_EVERY_MS = 500;

export function jobEventStream({ store, scheduler }: ApiDeps, job: Job, closed: () => boolean): Readable {
  async function* events(): AsyncGenerator<string> {
    // A comment first, so that the client sees the stream open at once.
    yield `: job ${job.id}\n\n`;
    let offset = 0;
    let announced = '';
    const newLogLines = async function* (current: Job): AsyncGenerator<string> {
      const log = await jobLogSince(store, current, offset);
      offset = log.offset;
      for (const line of log.lines) yield event('log', line);
    };
    for (let current = job; ; ) {
      const live = withLiveTotals(current, scheduler.liveStats(current.id));
      if (live.status !== 'running') {
        // The log is complete once the job has ended (its runner closes it first).
        yield* newLogLines(live);
        yield event('status', publicJob(live));
        yield event('end', publicJob(live));
        return;
      }
      // `status` again whenever what the job's row says beyond its counts changes: a new attempt, a cancel request.
      const shown = `${live.attempts}|${String(live.cancelRequested)}`;
      if (shown !== announced) yield event('status', publicJob(live));
      announced = shown;
      yield* newLogLines(live);
      yield event('progress', {
        job: live.id,
        status: live.status,
        recordsEmitted: live.recordsEmitted,
        recordsCommitted: live.recordsCommitted,
        ...jobProgress(live, scheduler.liveStats(live.id)),
        follow: live.follow,
      });
      await sleep(PROGRESS_EVERY_MS);
      if (closed()) return;
      current = await findJob(store, String(job.id));
    }
  }
  return Readable.from(events(), { objectMode: false });
}

function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${stringifyExactJson(data)}\n\n`;
}
