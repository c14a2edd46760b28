// Owns the overview: every connection with its source → destination, its status, its last sync and its next run,
// failures first to the eye; and, for a new workspace, what to do first. A continuous connection's running job is
// live: its lag and changes per second stand in for the last sync.
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { get, type Page } from '../api';
import type { Connection, Job } from '../types';
import { ago, count, duration, lag } from '../format';
import { followOf, isLagging } from '../lib/follow';
import { isContinuous } from '../lib/schedule-input';
import { StatusBadge, connectionState } from '../components/StatusBadge';

export function Overview() {
  const connections = useQuery({ queryKey: ['connections'], queryFn: () => get<Page<Connection>>('/connections?limit=500'), refetchInterval: 5_000 });
  const jobs = useQuery({ queryKey: ['jobs', 'recent'], queryFn: () => get<Page<Job>>('/jobs?limit=500'), refetchInterval: 2_000 });

  if (connections.isPending) return <p aria-busy="true">Loading connections…</p>;
  if (connections.isError) return <p role="alert" className="error">Could not load connections: {connections.error.message}</p>;
  const rows = connections.data.data;
  const lastJob = new Map<number, Job>();
  for (const job of jobs.data?.data ?? []) if (!lastJob.has(job.connectionId)) lastJob.set(job.connectionId, job);

  return (
    <section>
      <header className="page-header">
        <h1>Connections</h1>
        {rows.length > 0 && <Link href="/connections/new" className="button primary">New connection</Link>}
      </header>
      {rows.length === 0 ? (
        <EmptyWorkspace />
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Connection</th>
              <th scope="col">Source → destination</th>
              <th scope="col">Status</th>
              <th scope="col">Last sync</th>
              <th scope="col">Next run</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((connection) => {
              const job = lastJob.get(connection.id);
              const state = connectionState(connection, job);
              return (
                <tr key={connection.id} className={state === 'failed' ? 'row-failed' : undefined}>
                  <td><Link href={`/connections/${encodeURIComponent(connection.name)}`}>{connection.name}</Link></td>
                  <td>{connection.source} → {connection.destination}</td>
                  <td><StatusBadge state={state} /></td>
                  <td>{job ? (state === 'live' ? <Following job={job} /> : <LastSync job={job} />) : <span className="muted">never</span>}</td>
                  <td>{nextRun(connection)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function LastSync({ job }: { job: Job }) {
  const took = job.finishedAt ? duration(Date.parse(job.finishedAt) - Date.parse(job.createdAt)) : 'running';
  return (
    <span title={job.failureMessage ?? undefined}>
      {ago(job.createdAt)} · {took} · {count(job.recordsCommitted)} records · {job.status}
      {/* A cancel was asked for: its code is said, but not as an error. */}
      {job.failureCode && <span className={job.status === 'cancelled' ? 'muted' : 'error-text'}> ({job.failureCode})</span>}
    </span>
  );
}

/** A running following job: since when, its lag and its rate (before its first commit, only since when). */
function Following({ job }: { job: Job }) {
  const follow = followOf(job);
  return (
    <span>
      following since {ago(job.createdAt)}
      {follow?.lagMs !== undefined && <> · lag <span className={isLagging(follow.lagMs) ? 'lag-warn' : undefined}>{lag(follow.lagMs)}</span></>}
      {follow && <> · {count(Math.round(follow.changesPerSecond * 10) / 10)} changes/s</>}
    </span>
  );
}

function nextRun(connection: Connection): string {
  if (isContinuous(connection.schedule)) return 'Continuous';
  if (connection.status !== 'active') return '—';
  if (!connection.schedule) return 'manual';
  if (connection.nextRunAt) return ago(connection.nextRunAt);
  return connection.schedule;
}

function EmptyWorkspace() {
  return (
    <div className="empty">
      <h2>Move your first data</h2>
      <ol>
        <li><Link href="/sources/new">Add a source</Link>: where the data comes from (try <em>source-faker</em>).</li>
        <li><Link href="/destinations/new">Add a destination</Link>: where it goes (try <em>destination-local-json</em>).</li>
        <li><Link href="/connections/new">Create a connection</Link> between them, pick streams, and press “Sync now”.</li>
      </ol>
    </div>
  );
}
