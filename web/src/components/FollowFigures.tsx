// Owns a following job's live figures above its streams: lag (coloured past a few seconds), changes committed per
// second, the last committed source position and when it was committed, and the attempts restarted. Before the first
// commit of a following job there are none yet: it says so.
import { ago, count, lag } from '../format';
import { LAG_WARN_MS, isLagging } from '../lib/follow';
import type { FollowStats } from '../types';

export function FollowFigures({ follow }: { follow: FollowStats | undefined }) {
  if (!follow) return <p className="muted">Following the source: waiting for the first commit…</p>;
  const lagging = isLagging(follow.lagMs);
  return (
    // A group named for tests and screen readers; a <dl> itself takes no name.
    <div role="group" aria-label="Following the source">
      <dl className="figures">
        <div className={lagging ? 'figure figure-warn' : 'figure'} title={lagging ? `More than ${LAG_WARN_MS / 1000} s behind the source` : undefined}>
          <dt>Lag</dt>
          <dd>{follow.lagMs === undefined ? '—' : lag(follow.lagMs)}</dd>
        </div>
        <div className="figure">
          <dt>Changes/s</dt>
          <dd>{count(Math.round(follow.changesPerSecond * 10) / 10)}</dd>
        </div>
        <div className="figure">
          <dt>Committed position</dt>
          <dd className="mono">{follow.position ?? '—'}</dd>
        </div>
        <div className="figure">
          <dt>Last commit</dt>
          {/* Clamped to now: the server's clock may be a little ahead of the browser's. */}
          <dd>{follow.lastCommitAt === undefined ? '—' : ago(new Date(Math.min(follow.lastCommitAt, Date.now())).toISOString())}</dd>
        </div>
        <div className="figure">
          <dt>Restarts</dt>
          <dd>{count(follow.restarts)}</dd>
        </div>
      </dl>
    </div>
  );
}
