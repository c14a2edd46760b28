// Schedules (intervals and cron), orphaned-job recovery by heartbeat, and who the API lets in: in process.
import { describe, expect, it } from 'vitest';
import { nextRunAt, normalizeSchedule, parseSchedule } from '../../control/jobs/schedule.js';
import { continuousDueAt, MAX_RESTART_BACKOFF_MS, restartBackoffMs } from '../../control/jobs/continuous.js';
import type { Job } from '../../control/store/records.js';
import { recoverOrphanedJobs } from '../../control/jobs/recovery.js';
import { runnerId } from '../../control/jobs/job-runner.js';
import { authenticate } from '../../control/api/auth.js';
import { openStore } from '../../control/store/open-store.js';
import { tempDir } from '../support/cli.js';

const KEY = Buffer.alloc(32, 3).toString('base64');

describe('schedules', () => {
  it('an interval fires at once without a previous job, then counts from the last one', () => {
    const every = parseSchedule('every 15m');
    expect(nextRunAt(every, undefined, 1_000)).toBe(1_000);
    expect(nextRunAt(every, 10_000, 20_000)).toBe(10_000 + 15 * 60_000);
  });

  it('a cron expression fires at its next time after the last job', () => {
    const hourly = parseSchedule('0 * * * *');
    const last = Date.parse('2026-01-01T10:00:00Z');
    expect(new Date(nextRunAt(hourly, last, last + 1000)).toISOString()).toBe('2026-01-01T11:00:00.000Z');
    const everyTwoSeconds = parseSchedule('*/2 * * * * *');
    expect(nextRunAt(everyTwoSeconds, Date.parse('2026-01-01T10:00:00Z'), Date.parse('2026-01-01T10:00:00.500Z'))).toBe(Date.parse('2026-01-01T10:00:02Z'));
  });

  it('"manual" and empty mean none; anything else unreadable is refused with a hint', () => {
    expect(normalizeSchedule('manual')).toBeNull();
    expect(normalizeSchedule('  ')).toBeNull();
    expect(normalizeSchedule(' every 2h ')).toBe('every 2h');
    expect(() => parseSchedule('every 0m')).toThrow('schedule "every 0m": the interval must be positive');
    expect(() => parseSchedule('sometimes')).toThrow(/^schedule "sometimes": /);
  });

  it('"continuous" (any case) is a schedule of its own, stored as continuous', () => {
    expect(parseSchedule(' Continuous ')).toEqual({ kind: 'continuous' });
    expect(normalizeSchedule('CONTINUOUS')).toBe('continuous');
    expect(() => parseSchedule('continuously')).toThrow(/^schedule "continuously": /);
  });

  it("a continuous connection's next job: at once after none or one that ended by itself, after a doubling backoff capped at 10 min after failures, never after a user's cancel until the connection changes", () => {
    const job = (status: Job['status'], finishedAt: number, failureCode: string | null = null, cancelRequested = status === 'cancelled'): Job => ({
      id: 1, connectionId: 'c', status, trigger: 'schedule', runner: 'h:1', createdAt: finishedAt - 10, heartbeatAt: finishedAt, finishedAt, attempts: 1,
      recordsEmitted: 0, recordsCommitted: 0, bytesCommitted: 0, failureCode, failureMessage: null, cancelRequested, logPath: null, streamCounts: null,
      queueJobId: null, follow: null,
    });
    const connection = { updatedAt: 0 };
    expect(continuousDueAt(connection, [], 1000)).toBe(0);
    expect(continuousDueAt(connection, [job('succeeded', 5000)], 1000)).toBe(0);
    expect(continuousDueAt(connection, [job('running', 5000)], 1000)).toBe(Number.POSITIVE_INFINITY);
    expect(continuousDueAt(connection, [job('failed', 5000), job('succeeded', 4000)], 1000)).toBe(6000);
    expect(continuousDueAt(connection, [job('failed', 5000), job('failed', 4000), job('failed', 3000), job('succeeded', 2000)], 1000)).toBe(9000);
    expect(continuousDueAt(connection, Array.from({ length: 12 }, () => job('failed', 5000)), 1000)).toBe(5000 + MAX_RESTART_BACKOFF_MS);
    expect(continuousDueAt(connection, [job('cancelled', 5000, 'job.cancelled')], 1000)).toBe(Number.POSITIVE_INFINITY);
    // Disabled and enabled again (or any change) after the cancel: restarted; one stopped by the disable itself: restarted.
    expect(continuousDueAt({ updatedAt: 6000 }, [job('cancelled', 5000, 'job.cancelled')], 1000)).toBe(0);
    expect(continuousDueAt(connection, [job('cancelled', 5000, 'job.stopped_following')], 1000)).toBe(0);
    // Cancelled by no one: its server or worker stopped (SIGTERM), so the next server starts it again.
    expect(continuousDueAt(connection, [job('cancelled', 5000, 'job.cancelled', false)], 1000)).toBe(0);
    expect(restartBackoffMs(1, 10_000)).toBe(10_000);
    expect(restartBackoffMs(7, 10_000)).toBe(MAX_RESTART_BACKOFF_MS);
  });
});

type Store = Awaited<ReturnType<typeof openStore>>;

/** Makes connections from a source to a destination (created once) in `store`, by name. */
async function connectionMaker(store: Store) {
  const source = await store.actors.create('source', { name: 's', connector: 'source-faker', config: { count: 1 }, secretPaths: [] });
  const destination = await store.actors.create('destination', { name: 'd', connector: 'destination-dev-null', config: {}, secretPaths: [] });
  return (name: string) => store.connections.create({
    name, sourceId: source.id, destinationId: destination.id, catalog: { streams: [] }, discovered: null, namespace: null, streamPrefix: '',
    schedule: null, status: 'active', statusReason: null, schemaChangePolicy: 'ignore',
  });
}

describe('orphaned jobs', () => {
  it('a job whose runner on another host stopped its heartbeat is failed; a fresh one is left alone', async () => {
    const store = await openStore({ workspace: tempDir(), env: { SLUICE_SECRET_KEY: KEY } });
    try {
      const connection = await connectionMaker(store);
      const stale = await store.jobs.start(await connection('stale'), 'schedule', 'elsewhere:123');
      const fresh = await store.jobs.start(await connection('fresh'), 'schedule', 'elsewhere:456');
      await store.db.run('UPDATE jobs SET heartbeat_at = ? WHERE id = ?', [Date.now() - 120_000, stale.id]);
      const recovered = await recoverOrphanedJobs(store, { staleMs: 60_000 });
      expect(recovered.map((job) => [job.id, job.status, job.failureCode])).toEqual([[stale.id, 'failed', 'job.orphaned']]);
      expect(recovered[0]!.failureMessage).toMatch(/^its runner \(elsewhere:123\) sent no heartbeat for 12\d s$/);
      expect((await store.jobs.byId(fresh.id))!.status).toBe('running');
    } finally {
      await store.close();
    }
  });
});

describe('orphaned jobs of this very process', () => {
  it('are failed unless this process is running their connection (a job it lost track of must not stay running)', async () => {
    const store = await openStore({ workspace: tempDir(), env: { SLUICE_SECRET_KEY: KEY } });
    try {
      const connection = await connectionMaker(store);
      const ours = await connection('ours');
      const kept = await store.jobs.start(ours, 'api', runnerId());
      const lost = await store.jobs.start(await connection('lost'), 'api', runnerId());
      const recovered = await recoverOrphanedJobs(store, { ownConnections: new Set([ours.id]) });
      expect(recovered.map((job) => [job.id, job.status, job.failureCode])).toEqual([[lost.id, 'failed', 'job.orphaned']]);
      expect((await store.jobs.byId(kept.id))!.status).toBe('running');
    } finally {
      await store.close();
    }
  });
});

describe('API authentication', () => {
  const request = (remoteAddress: string, authorization?: string) =>
    ({ method: 'GET', path: '/api/v1/sources', headers: authorization ? { authorization } : {}, remoteAddress, unrouted: false });

  it('lets loopback clients in without a token, refuses others, and checks any token given', async () => {
    const store = await openStore({ workspace: tempDir(), env: { SLUICE_SECRET_KEY: KEY } });
    try {
      const allow = { allowLoopbackWithoutToken: true };
      expect(await authenticate(request('127.0.0.1'), store, allow)).toEqual({ via: 'loopback' });
      expect(await authenticate(request('::ffff:127.0.0.1'), store, allow)).toEqual({ via: 'loopback' });
      await expect(authenticate(request('192.0.2.7'), store, allow)).rejects.toThrow('an API token is required for clients that are not on this machine');
      const { token } = await store.tokens.create('remote');
      expect(await authenticate(request('192.0.2.7', `Bearer ${token}`), store, allow)).toEqual({ via: 'token', name: 'remote' });
      await expect(authenticate(request('127.0.0.1', 'Basic abc'), store, allow)).rejects.toThrow('the Authorization header must be "Bearer TOKEN"');
      await expect(authenticate(request('127.0.0.1'), store, { allowLoopbackWithoutToken: false })).rejects.toThrow('an API token is required');
    } finally {
      await store.close();
    }
  });
});
