// The live figures of a following sync (runtime/sync/follow/follow-figures.ts): each persisted commit sets the
// position, source time and lag from the committed state's sourceProgress, the lag of the streams it covered records
// of, and the changes per second over a 10 s window.
import { describe, expect, it } from 'vitest';
import { FollowFigures } from '../../runtime/sync/follow/follow-figures.js';
import type { Commit } from '../../runtime/sync/commit/ledger.js';

function commit(records: Record<string, number>, sourceTime?: string, position?: string): Commit {
  const covered = new Map(Object.entries(records).map(([stream, count]) => [stream, { records: count, bytes: count * 10, filtered: 0 }]));
  const progress = sourceTime === undefined ? undefined : { position, sourceTime, sourceTimeMs: Date.parse(sourceTime) };
  return { state: { type: 'GLOBAL' }, kind: 'GLOBAL', covered, attached: { line: Buffer.from('{}'), progress } };
}

describe('FollowFigures', () => {
  it('takes position, source time and lag from the committed state, per stream for the streams it covered', () => {
    const start = Date.parse('2026-12-03T13:00:00.000Z');
    const figures = new FollowFigures(start);
    figures.committed(commit({ users: 3, orders: 0 }, '2026-12-03T13:00:00.600Z', '0/16B3748'), start + 1000);
    figures.committed(commit({ orders: 2 }, '2026-12-03T13:00:01.500Z', '0/16B3800'), start + 2000);
    const snapshot = figures.snapshot();
    figures.stop();
    expect(snapshot).toMatchObject({
      position: '0/16B3800',
      sourceTime: '2026-12-03T13:00:01.500Z',
      lagMs: 500,
      lastCommitAt: start + 2000,
      restarts: 0,
      streams: { users: { lagMs: 400 }, orders: { lagMs: 500 } },
    });
  });

  it('counts committed changes per second over the last 10 s only', () => {
    const start = 1_000_000_000_000;
    const figures = new FollowFigures(start);
    for (let second = 1; second <= 20; second++) figures.committed(commit({ items: second <= 10 ? 100 : 50 }), start + second * 1000);
    figures.stop();
    expect(figures.stats.changesPerSecond).toBe(50);
  });
});
