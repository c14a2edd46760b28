// Owns `sluice workers`: the live workers of a PostgreSQL workspace (host, start, capacity, labels, last heartbeat,
// the jobs each runs now).
import { Command } from 'commander';
import { liveWorkers } from '../../control/services/worker-service.js';
import { printJson, printLines, table } from '../output.js';
import { withStore, withWorkspace, type WorkspaceOptions } from '../store-context.js';

export function workersCommand(): Command {
  return withWorkspace(new Command('workers'))
    .description('list the live workers of a PostgreSQL workspace')
    .option('--json', 'print JSON')
    .action(async (options: WorkspaceOptions & { json?: boolean }) => {
      await withStore(options, async (store) => {
        const workers = await liveWorkers(store);
        if (options.json) {
          printJson(workers);
          return;
        }
        printLines(table(['WORKER', 'HOST', 'STARTED', 'HEARTBEAT', 'CAPACITY', 'LABELS', 'RUNNING JOBS'], workers.map((worker) => [
          worker.id, worker.host, worker.startedAt, worker.heartbeatAt, String(worker.concurrency), worker.labels.join(',') || '-', worker.runningJobs.join(' '),
        ])));
      });
    });
}
