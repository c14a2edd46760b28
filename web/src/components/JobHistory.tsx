// Owns the table of a connection's jobs, newest first: when each started, how long it took, records committed,
// attempts, status and why it failed (in red unless someone cancelled it). A row opens the job's log.
import { count, duration } from '../format';
import { attemptCount, type JobRow } from '../lib/connection-api';
import { StatusBadge } from './StatusBadge';

interface Props {
  jobs: JobRow[];
  openJobId: number | undefined;
  onOpen: (id: number) => void;
  /** The running job's records committed so far, from its live progress (the list has them only once it ends). */
  liveRecords?: { jobId: number; recordsCommitted: number };
}

export function JobHistory({ jobs, openJobId, onOpen, liveRecords }: Props) {
  if (jobs.length === 0) return <p className="muted">No jobs yet: press “Sync now” to run the first one.</p>;
  return (
    <table className="table jobs">
      <caption className="sr-only">Jobs of this connection, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Job</th>
          <th scope="col">Started</th>
          <th scope="col">Duration</th>
          <th scope="col" className="num">Records</th>
          <th scope="col" className="num">Attempts</th>
          <th scope="col">Status</th>
          <th scope="col">Failure reason</th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((job) => (
          <tr key={job.id} className={`clickable${job.status === 'failed' ? ' row-failed' : ''}${job.id === openJobId ? ' row-open' : ''}`} onClick={() => onOpen(job.id)}>
            <th scope="row">
              <button type="button" className="link" aria-label={`Show the log of job ${job.id}`} aria-pressed={job.id === openJobId}
                onClick={(event) => { event.stopPropagation(); onOpen(job.id); }}>
                #{job.id}
              </button>
            </th>
            <td><time dateTime={job.createdAt}>{new Date(job.createdAt).toLocaleString()}</time></td>
            <td>{job.finishedAt ? duration(Date.parse(job.finishedAt) - Date.parse(job.createdAt)) : 'running'}</td>
            <td className="num">{count(liveRecords?.jobId === job.id ? Math.max(job.recordsCommitted, liveRecords.recordsCommitted) : job.recordsCommitted)}</td>
            <td className="num">{attemptCount(job)}</td>
            <td><StatusBadge state={job.status} /></td>
            <td>{job.failureMessage ? <span className={job.status === 'cancelled' ? 'muted' : 'error-text'}>{job.failureCode ? `${job.failureCode}: ` : ''}{job.failureMessage}</span> : <span className="muted">—</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
