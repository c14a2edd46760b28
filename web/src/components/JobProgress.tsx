// Owns showing a running job as it goes: per stream the records read and committed, bytes, and against the
// source's estimate (where it gives one) how far along it is and about how long is left at the current rate, and
// the records the mappers filtered out when the server counts them.
import { bytes, count, duration } from '../format';
import type { JobProgress as Progress, JobRow } from '../lib/connection-api';
import type { Transport } from '../lib/use-job-live';

export function JobProgress({ job, progress, transport }: { job: JobRow; progress: Progress | undefined; transport: Transport }) {
  const rate = progress?.recordsPerSecond ?? 0;
  // Only servers that count mapper-filtered records send the field; the column shows where one stream has it.
  const filtered = progress?.streams.some((stream) => stream.recordsFiltered !== undefined) ?? false;
  return (
    <section className="panel" aria-labelledby="progress-title">
      <h2 id="progress-title">Job {job.id} is running</h2>
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
              <th scope="col">Estimate</th>
            </tr>
          </thead>
          <tbody>
            {progress.streams.map((stream) => {
              const done = stream.status === 'COMPLETE' || stream.status === 'complete';
              const fraction = stream.estimate ? Math.min(1, stream.recordsEmitted / stream.estimate) : undefined;
              const left = stream.estimate && rate > 0 && !done ? Math.max(0, stream.estimate - stream.recordsEmitted) / rate : undefined;
              return (
                <tr key={stream.name}>
                  <th scope="row">{stream.name}</th>
                  <td>{stream.status?.toLowerCase() ?? '—'}</td>
                  <td className="num">{count(stream.recordsEmitted)}</td>
                  {filtered && <td className="num">{stream.recordsFiltered === undefined ? '—' : count(stream.recordsFiltered)}</td>}
                  <td className="num">{count(stream.recordsCommitted)}</td>
                  <td className="num">{bytes(stream.bytesEmitted)}</td>
                  <td>
                    {fraction === undefined ? (
                      <span className="muted">—</span>
                    ) : (
                      <span className="estimate">
                        <progress max={1} value={done ? 1 : fraction} aria-label={`${stream.name}: ${Math.round(fraction * 100)}% of about ${count(stream.estimate!)} records`} />
                        {Math.round((done ? 1 : fraction) * 100)}% of ~{count(stream.estimate!)}
                        {left !== undefined && left > 0 && <span className="muted"> · ~{duration(Math.round(left * 1000))} left</span>}
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : (
        <p className="muted">Waiting for the first records…</p>
      )}
    </section>
  );
}

const sum = (progress: Progress, field: 'recordsEmitted' | 'recordsCommitted'): number =>
  progress.streams.reduce((total, stream) => total + stream[field], 0);
