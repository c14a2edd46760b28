// Owns `sluice jobs [<connection>]`: the job history, newest first, with status, counts, timings and the
// failure of each job. A running job shows its live counts (its runner writes them with each heartbeat, whichever
// process runs it): records committed, and read so far, and how many of those a mapper's filter dropped.
import { Command } from 'commander';
import { printJson, printLines, table } from '../output.js';
import { formatTime, withStore, withWorkspace, type WorkspaceOptions } from '../store-context.js';
import { positiveNumber } from '../context.js';
import { followLine, publicJob } from '../../control/services/job-view.js';
import { jobAttempts, listJobs } from '../../control/services/job-service.js';
import type { Job } from '../../control/store/records.js';

export function jobsCommand(): Command {
  return withWorkspace(new Command('jobs'))
    .description('list jobs, newest first')
    .argument('[connection]', 'only the jobs of this connection')
    .option('--limit <n>', 'how many jobs', '20')
    .option('--json', 'print JSON')
    .action(async (connection: string | undefined, options: WorkspaceOptions & { limit: string; json?: boolean }) => {
      await withStore(options, async (store) => {
        const jobs = await listJobs(store, { connection, limit: Math.floor(positiveNumber(options.limit, '--limit')) });
        if (options.json) {
          printJson(await Promise.all(jobs.map(async ({ job, connection: name }) => ({ ...publicJob(job, name), attemptHistory: await jobAttempts(store, job) }))));
          return;
        }
        printLines(
          table(
            ['JOB', 'CONNECTION', 'STATUS', 'TRIGGER', 'STARTED', 'DURATION', 'ATTEMPTS', 'RECORDS', 'FAILURE'],
            jobs.map(({ job, connection: name }) => [
              String(job.id), name ?? job.connectionId, job.status, job.trigger, formatTime(job.createdAt),
              job.finishedAt === null ? '' : `${((job.finishedAt - job.createdAt) / 1000).toFixed(1)} s`, String(job.attempts),
              job.status === 'running' ? liveRecords(job) : String(job.recordsCommitted), job.failureCode ? `${job.failureCode}: ${job.failureMessage}` : '',
            ]),
          ),
        );
      });
    });
}

/** `40 (100 read)`, or `40 (100 read, 55 filtered)` when a mapper's filter dropped some; then a following job's figures. */
function liveRecords(job: Job): string {
  const filtered = (job.streamCounts ?? []).reduce((total, stream) => total + (stream.recordsFiltered ?? 0), 0);
  const counts = `${job.recordsCommitted} (${job.recordsEmitted} read${filtered > 0 ? `, ${filtered} filtered` : ''})`;
  return job.follow ? `${counts} · ${followLine(job.follow)}` : counts;
}
