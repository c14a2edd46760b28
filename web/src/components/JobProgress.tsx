// Owns showing a running job as it goes: per stream the records read and committed, bytes, and against the
// source's estimate (where it gives one) how far along it is and about how long is left at the current rate, and
// the records the mappers filtered out when the server counts them. A following job (continuous connection) has no
// end to estimate: it shows a live badge, its follow figures, and each stream's lag instead of the estimate.
import { bytes, count, duration, lag } from '../format';
import { followOf, isLagging } from '../lib/follow';
import type { JobProgress as Progress, JobRow, StreamProgress } from '../lib/connection-api';
import type { Transport } from '../lib/use-job-live';
import { FollowFigures } from './FollowFigures';
import { StatusBadge } from './StatusBadge';

interface Props {
  job: JobRow;
  progress: Progress | undefined;
  transport: Transport;
  /** The job follows its source (its connection is continuous). */
  following?: boolean;
}

export function JobProgress({ job, progress, transport, following = false }: Props) {
  const follow = following ? followOf(job, progress) : undefined;
  const rate = progress?.recordsPerSecond ?? 0;
  // Only servers that count mapper-filtered records send the field; the column shows where one stream has it.
  const filtered = progress?.streams.some((stream) => stream.recordsFiltered !== undefined) ?? false;
  return (
    <section className="panel" aria-labelledby="progress-title">
      <h2 id="progress-title">Job {job.id} is running{following && <> <StatusBadge state="live" /></>}</h2>
      {/* Before any record, "waiting for the first records" below says enough. */}
      {following && (follow || (progress?.streams.length ?? 0) > 0) && <FollowFigures follow={follow} />}
      <p className="muted small">
        Started {new Date(job.createdAt).toLocaleString()} · {count(progress ? sum(progress, 'recordsEmitted') : job.recordsEmitted)} records read ·{' '}
        {count(progress ? sum(progress, 'recordsCommitted') : job.recordsCommitted)} committed
        {progress && <> · {count(Math.round(rate))} records/s</>}
        {' · '}
        <span>{transport === 'events' ? 'live' : transport === 'polling' ? 'updated every 2 s' : ''}</span>
      </p>
      {progress && progress.streams.length > 0 ? (
        <table className="table compact">
          <caption className="sr-only">Progress per stream</caption>
          <thead>
            <tr>
              <th scope="col">Stream</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">Records read</th>
              {filtered && <th scope="col" className="num">Filtered out</th>}
              <th scope="col" className="num">Committed</th>
              <th scope="col" className="num">Bytes</th>
              {following ? <th scope="col" className="num">Lag</th> : <th scope="col">Estimate</th>}
            </tr>
          </thead>
          <tbody>
            {progress.streams.map((stream) => (
              <tr key={stream.name}>
                <th scope="row">{stream.name}</th>
                <td>{stream.status?.toLowerCase() ?? '—'}</td>
                <td className="num">{count(stream.recordsEmitted)}</td>
                {filtered && <td className="num">{stream.recordsFiltered === undefined ? '—' : count(stream.recordsFiltered)}</td>}
                <td className="num">{count(stream.recordsCommitted)}</td>
                <td className="num">{bytes(stream.bytesEmitted)}</td>
                {following ? <StreamLag lagMs={follow?.streams[stream.name]?.lagMs} /> : <StreamEstimate stream={stream} rate={rate} />}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">Waiting for the first records…</p>
      )}
    </section>
  );
}

function StreamEstimate({ stream, rate }: { stream: StreamProgress; rate: number }) {
  const done = stream.status === 'COMPLETE' || stream.status === 'complete';
  const fraction = stream.estimate ? Math.min(1, stream.recordsEmitted / stream.estimate) : undefined;
  const left = stream.estimate && rate > 0 && !done ? Math.max(0, stream.estimate - stream.recordsEmitted) / rate : undefined;
  if (fraction === undefined) return <td><span className="muted">—</span></td>;
  return (
    <td>
      <span className="estimate">
        <progress max={1} value={done ? 1 : fraction} aria-label={`${stream.name}: ${Math.round(fraction * 100)}% of about ${count(stream.estimate!)} records`} />
        {Math.round((done ? 1 : fraction) * 100)}% of ~{count(stream.estimate!)}
        {left !== undefined && left > 0 && <span className="muted"> · ~{duration(Math.round(left * 1000))} left</span>}
      </span>
    </td>
  );
}

function StreamLag({ lagMs }: { lagMs: number | undefined }) {
  if (lagMs === undefined) return <td className="num muted">—</td>;
  return <td className={isLagging(lagMs) ? 'num lag-warn' : 'num'}>{lag(lagMs)}</td>;
}

const sum = (progress: Progress, field: 'recordsEmitted' | 'recordsCommitted'): number =>
  progress.streams.reduce((total, stream) => total + stream[field], 0);
