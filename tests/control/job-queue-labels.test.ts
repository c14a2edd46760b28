// The job queue's worker labels against a real PostgreSQL: a connection's label routes its run to the label's own
// queue; a worker takes from its label queues first and then the default one, and one without labels never takes a
// labelled run; "is a run pending" sees a taken run in every queue and a waiting one in the connection's current queue; a run failed by id alone (as the job recovery does) is retried
// in the queue it came from.
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { JobQueue, SYNC_QUEUE } from '../../control/jobs/job-queue.js';
import { silentLogger } from '../../runtime/logger.js';
import { postgresAvailability, useFreshDatabase } from '../support/postgres.js';

const postgresMissing = await postgresAvailability();

describe.runIf(!postgresMissing)('worker labels in the job queue', { timeout: 60_000 }, () => {
  const url = useFreshDatabase();

  it('routes labelled runs to their own queue, taken only by a worker with the label and before unlabelled runs', async () => {
    const queue = await JobQueue.open({ url: url(), schema: 'labels_queue', logger: silentLogger });
    try {
      expect(await queue.enqueue({ connectionId: 'plain', trigger: 'schedule' }, null)).toBe(true);
      expect(await queue.enqueue({ connectionId: 'heavy', trigger: 'schedule' }, 'docker-gpu')).toBe(true);
      // At most one queued run per connection, in its label's queue as in the default one.
      expect(await queue.enqueue({ connectionId: 'heavy', trigger: 'api' }, 'docker-gpu')).toBe(false);
      expect([await queue.pending('heavy', 'docker-gpu'), await queue.pending('plain'), await queue.pending('other')]).toEqual([true, true, false]);
      // A waiting run counts in the connection's current queue only: had its label changed, it would not block it.
      expect([await queue.pending('heavy'), await queue.pending('heavy', 'big-mem')]).toEqual([false, false]);
      expect([await queue.waiting('docker-gpu'), await queue.waiting(null)]).toEqual([1, 1]);

      // A worker without labels takes the unlabelled run, and then nothing: the labelled one waits for its worker.
      const plain = await queue.take([]);
      expect(plain).toMatchObject({ connectionId: 'plain', queue: SYNC_QUEUE });
      expect(await queue.take([])).toBeUndefined();
      await queue.complete(plain!.queueJobId, plain!.queue);

      expect(await queue.enqueue({ connectionId: 'plain', trigger: 'schedule' }, null)).toBe(true);
      const labelled = await queue.take(['big-mem', 'docker-gpu']);
      expect(labelled).toMatchObject({ connectionId: 'heavy', queue: `${SYNC_QUEUE}.docker-gpu` });
      expect(await queue.take(['docker-gpu'])).toMatchObject({ connectionId: 'plain', queue: SYNC_QUEUE });

      // The job recovery knows only the run's id: the run is failed in its own queue, which retries it.
      await queue.fail(labelled!.queueJobId, 'its worker stopped');
      expect(await runState(labelled!.queueJobId)).toEqual({ name: `${SYNC_QUEUE}.docker-gpu`, state: 'retry' });
      expect(await queue.pending('heavy', 'docker-gpu')).toBe(true);
    } finally {
      await queue.close();
    }
  });

  async function runState(id: string): Promise<{ name: string; state: string }> {
    const client = new pg.Client({ connectionString: url() });
    await client.connect();
    try {
      return (await client.query('SELECT name, state FROM labels_queue.job WHERE id = $1', [id])).rows[0];
    } finally {
      await client.end();
    }
  }
});
