// Owns an ended job's numbers per stream, from its summary (GET /jobs/{id}): records read and committed, and the
// records the connection's mappers filtered out, where the summary counts them (summaries from before mappers do not).
import { useQuery } from '@tanstack/react-query';
import { count } from '../format';
import { getJob } from '../lib/connection-api';

export function JobStreams({ jobId }: { jobId: number }) {
  const job = useQuery({ queryKey: ['job', jobId], queryFn: () => getJob(jobId) });
  const streams = job.data?.summary?.streams ?? [];
  if (streams.length === 0) return null;
  const filtered = streams.some((stream) => stream.recordsFiltered !== undefined);
  const written = job.data?.summary?.recordsWritten;
  return (
    <div className="job-streams">
    <table className="table compact">
      <caption className="caption">Streams of job {jobId}</caption>
      <thead>
        <tr>
          <th scope="col">Stream</th>
          <th scope="col" className="num">Records read</th>
          {filtered && <th scope="col" className="num">Filtered out by mappers</th>}
          <th scope="col" className="num">Committed</th>
        </tr>
      </thead>
      <tbody>
        {streams.map((stream) => (
          <tr key={stream.stream}>
            <th scope="row">{stream.stream}</th>
            <td className="num">{count(stream.recordsEmitted)}</td>
            {filtered && <td className="num">{stream.recordsFiltered === undefined ? '—' : count(stream.recordsFiltered)}</td>}
            <td className="num">{count(stream.recordsCommitted)}</td>
          </tr>
        ))}
      </tbody>
    </table>
    {filtered && written !== undefined && (
      <p className="muted small">{count(written)} records reached the destination. Committed counts the records read whose state the destination confirmed, filtered ones included.</p>
    )}
    </div>
  );
}
